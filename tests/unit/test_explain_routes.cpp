// POST /api/explain on a real Intake (rewrites and filters from rules) and a
// scripted target: each step of the plan, and every refusal of its input.
#include <catch2/catch.hpp>

#include "scanhook/core/web/explain_routes.hpp"
#include "support/route_call.hpp"
#include "support/scripted_target.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::HttpRequest;

namespace {

struct ExplainRig {
  ExplainRig()
      : intake({SourceRules{"sonarr", PathRules({"/data/tv => /mnt/tv"}, {}, {}), 0, ""}},
               {TargetRules{"plex", PathRules({"/mnt/tv => /srv/tv"}, {}, {}), false},
                TargetRules{"rclone", PathRules({}, {}, {"^/mnt/tv/Kids"}), false}}) {
    for (const auto stage : {scanhook::Stage::scan, scanhook::Stage::prepare}) {
      TargetSlot slot;
      slot.name = stage == scanhook::Stage::scan ? "plex" : "rclone";
      slot.target = std::make_shared<scanhook::testing::ScriptedTarget>(stage);
      targets.push_back(std::move(slot));
    }
    add_explain_route(router, intake, {"sonarr", "api"}, targets);
  }

  HttpReply explain(const std::string& body) {
    CHECK(router.find("POST", "/api/explain").route->access == Access::user);
    return scanhook::testing::call_route(router,
                                         {"POST", "/api/explain", {}, {}, body, "127.0.0.1:1"});
  }

  Intake intake;
  std::vector<TargetSlot> targets;
  Router router;
};

}  // namespace

TEST_CASE("explain shows the source's rewrite, the folder and each target's view",
          "[explain][routes][json]") {
  ExplainRig rig;
  const auto reply =
      rig.explain(R"({"path": "/data/tv/Kids/S01/e.mkv", "source": "sonarr", "is_file": true})");
  CHECK(reply.status == 200);
  CHECK(
      reply.body ==
      R"({"input":"/data/tv/Kids/S01/e.mkv","source":"sonarr",)"
      R"("rewrite":{"rule":"/data/tv => /mnt/tv","result":"/mnt/tv/Kids/S01/e.mkv"},)"
      R"("door":{"ok":true,"error":"","path":"/mnt/tv/Kids/S01/e.mkv"},)"
      R"("filter":{"accepted":true,"reason":""},"folder":"/mnt/tv/Kids/S01",)"
      R"("targets":[{"target":"plex","path":"/srv/tv/Kids/S01","rewrite_rule":"/mnt/tv => /srv/tv",)"
      R"("accepted":true,"reason":"","stage":"scan","explain":{"verdict":"ok","reason":"",)"
      R"("library":"Scripted","requests":[{"method":"GET",)"
      R"("url":"http://scripted/scan?path=/srv/tv/Kids/S01","body":""}]}},)"
      R"({"target":"rclone","path":"/mnt/tv/Kids/S01","rewrite_rule":"","accepted":false,)"
      R"("reason":"excluded by exclude = ^/mnt/tv/Kids","stage":"prepare"}],"queued":true})");
}

TEST_CASE("explain of a folder from the api source, and of a path the door refuses",
          "[explain][routes][json]") {
  ExplainRig rig;
  CHECK_THAT(rig.explain(R"({"path": "/mnt/tv/Show"})").body,
             Contains(R"("source":"api",)") && Contains(R"("folder":"/mnt/tv/Show",)"));
  const auto refused = rig.explain(R"({"path": "relative/x"})");
  CHECK(refused.status == 200);
  CHECK_THAT(refused.body, Contains(R"("door":{"ok":false,)") && Contains(R"("queued":false})"));
}

TEST_CASE("explain refuses a body it cannot read, naming the field", "[explain][routes][json]") {
  ExplainRig rig;
  CHECK_THAT(rig.explain("{\"path\": ").body, Contains("the body is not valid JSON"));
  CHECK(rig.explain(R"(["/x"])").body == R"({"error":"the body must be a JSON object"})");
  CHECK(rig.explain(R"({"source": "sonarr"})").body ==
        R"({"error":"\"path\" must be a string: the path as the source would send it"})");
  CHECK(rig.explain(R"({"path": "/x", "source": "sonar"})").body ==
        R"j({"error":"no source named \"sonar\" (did you mean 'sonarr'?)"})j");
  CHECK(rig.explain(R"({"path": "/x", "source": 3})").body ==
        R"({"error":"\"source\" must be a string: a source's name"})");
  CHECK(rig.explain(R"({"path": "/x", "is_file": "yes"})").body ==
        R"({"error":"\"is_file\" must be true or false"})");
  const auto long_path = rig.explain(R"({"path": "/)" + std::string(5000, 'a') + R"("})");
  CHECK(long_path.status == 400);
  CHECK(long_path.body.size() < 1000);
}
