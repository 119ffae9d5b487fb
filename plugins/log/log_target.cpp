// The `log` target: logs every scan it receives. The default INI uses it when
// no media server is configured, and it proves the path from .so to daemon.
#include <memory>
#include <string>

#include "scanhook/scanhook.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;

constexpr ConfigKey kConfigKeys[] = {
    {"prefix", ConfigType::string, "scan", scanhook::kTarget, false,
     "word that starts each logged line"},
};

class LogTarget final : public scanhook::TargetBase {
 public:
  LogTarget(std::string instance, std::string prefix, scanhook::Host& host)
      : instance_(std::move(instance)), prefix_(std::move(prefix)), host_(host) {}

  scanhook::Stage stage() const noexcept override { return scanhook::Stage::scan; }
  std::size_t max_batch() const noexcept override { return 100; }

 protected:
  std::vector<scanhook::Result> on_scan(const std::vector<scanhook::ScanFolder>& folders) override {
    for (const auto& folder : folders)
      host_.log(scanhook::LogLevel::info, prefix_ + " " + instance_ + " " +
                                              scanhook::event_kind_name(folder.kind) + " " +
                                              folder.path);
    return std::vector<scanhook::Result>(folders.size(), scanhook::Result::ok());
  }
  scanhook::Result on_probe() override {
    return scanhook::Result::ok("writes each scan as a line of scanhookd's log (\"" + prefix_ +
                                " " + instance_ + " ...\")");
  }
  scanhook::Explanation on_explain(const scanhook::ScanFolder& folder) override {
    return {scanhook::Result::ok(), "log", {{"LOG", prefix_ + " " + folder.path, ""}}};
  }

 private:
  std::string instance_;
  std::string prefix_;
  scanhook::Host& host_;
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  return std::make_unique<LogTarget>(args.instance, args.config->string("prefix"), *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("log", "1.0.0", "Logs every scan it receives", scanhook::kTarget, kConfigKeys, make)
