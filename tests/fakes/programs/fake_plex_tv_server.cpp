// The fake plex.tv as a program, for the browser tests: serves FakePlexTv on
// a free port and a test-only control API under /__fake/ on another, prints
//   fake plex.tv on http://127.0.0.1:P control http://127.0.0.1:Q
// and runs until SIGTERM or SIGINT. Control POSTs need no body: `curl -X POST URL`.
//   POST /__fake/approve                  approve the newest PIN as account "alice"
//   POST /__fake/fail?key=K&status=500    changing K answers that status
//   POST /__fake/clear-failures
//   POST /__fake/listed                   list the sources before any change
//   POST /__fake/revoke                   alice's token stops working (401)
//   GET  /__fake/opt-outs                 alice's sources: {"key": "value", ...}
#include <iostream>
#include <optional>

#include "fakes/fake_plex_tv.hpp"
#include "stop_signals.hpp"

using scanhook::HttpReply;
using scanhook::json_quote;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::FakePlexTv;
using scanhook::fakes::RecordedRequest;

namespace {

constexpr const char* kToken = "browser-test-token";

class Control {
 public:
  explicit Control(FakePlexTv& plextv) : plextv_(plextv) {}

  HttpReply answer(const RecordedRequest& request) {
    std::lock_guard lock(mutex_);
    if (request.method == "POST" && request.path == "/__fake/approve") {
      const auto pin = plextv_.last_pin_id();
      if (!pin) return scanhook::json_error(409, "no PIN was created yet");
      if (!account_) account_ = plextv_.add_account(kToken, "alice");
      plextv_.approve(*pin, kToken);
      return {200, "application/json", "{\"pin\":" + std::to_string(*pin) + "}", {}};
    }
    if (request.method == "POST" && request.path == "/__fake/fail") {
      const auto key = request.query_param("key");
      const auto status = request.query_param("status");
      if (!key || !status) return scanhook::json_error(400, "key and status are needed");
      plextv_.fail_key(*key, std::stoi(*status));
      return {200, "application/json", "{}", {}};
    }
    if (request.method == "POST" && request.path == "/__fake/clear-failures") {
      plextv_.clear_key_failures();
      return {200, "application/json", "{}", {}};
    }
    if (request.method == "POST" && request.path == "/__fake/listed") {
      plextv_.set_empty_until_changed(false);
      return {200, "application/json", "{}", {}};
    }
    if (request.method == "POST" && request.path == "/__fake/revoke") {
      plextv_.revoke(kToken);
      return {200, "application/json", "{}", {}};
    }
    if (request.method == "GET" && request.path == "/__fake/opt-outs") {
      if (!account_) return scanhook::json_error(409, "no account signed in yet");
      std::string body = "{";
      for (const auto& [key, value] : plextv_.opt_outs(account_->uuid))
        body += (body.size() > 1 ? "," : "") + json_quote(key) + ":" + json_quote(value);
      return {200, "application/json", body + "}", {}};
    }
    return scanhook::json_error(404, "no such control route: " + request.path);
  }

 private:
  FakePlexTv& plextv_;
  std::mutex mutex_;
  std::optional<FakePlexTv::Account> account_;
};

}  // namespace

int main() {
  scanhook::fakes::StopSignals stop;  // before any server thread starts

  FakePlexTv plextv;
  Control control(plextv);
  FakeHttpServer control_server(
      [&control](const RecordedRequest& request) { return control.answer(request); });
  std::cout << "fake plex.tv on " << plextv.url() << " control " << control_server.url()
            << std::endl;
  stop.wait();
  return 0;
}
