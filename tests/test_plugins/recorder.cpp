// `recorder`: a webhook source that takes {"paths": [...], "files": bool},
// and a target that appends each folder it is sent to a file (fsynced before
// it answers ok), so tests and benchmarks can count deliveries exactly, even
// across a crash; with `library` set, it rejects a folder outside it.
#include <fcntl.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <memory>
#include <string>
#include <thread>

#include "scanhook/scanhook.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;

constexpr ConfigKey kConfigKeys[] = {
    {"record", ConfigType::path, nullptr, scanhook::kTarget, true,
     "file each scanned folder is appended to"},
    {"delay", ConfigType::duration, "0s", scanhook::kTarget, false, "time each batch takes"},
    {"hold", ConfigType::duration, "0s", scanhook::kTarget, false,
     "time each batch takes after its folders are recorded (a scan made whose answer is slow)"},
    {"batch", ConfigType::integer, "50", scanhook::kTarget, false, "largest batch"},
    {"library", ConfigType::string, "", scanhook::kTarget, false,
     "the one library folder: a folder outside it is rejected, as a media server's folder in no "
     "library is (empty: every folder is taken)"},
};

class RecorderSource final : public scanhook::WebhookSourceBase {
 protected:
  scanhook::WebhookOutcome on_request(const scanhook::HttpRequest& request) override {
    Poco::JSON::Object::Ptr body;
    try {
      body = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (!body || !body->getArray("paths"))
      return scanhook::WebhookOutcome::malformed("expected {\"paths\": [...]}");
    const auto paths = body->getArray("paths");
    const bool files = body->optValue<bool>("files", false);
    std::vector<scanhook::ScanEvent> events;
    for (std::size_t i = 0; i < paths->size(); ++i)
      events.push_back({paths->getElement<std::string>(static_cast<unsigned>(i)), files,
                        scanhook::EventKind::created, 0});
    return scanhook::WebhookOutcome::accepted(std::move(events), "recorded");
  }
};

class RecorderTarget final : public scanhook::TargetBase {
 public:
  RecorderTarget(const std::string& file, std::chrono::milliseconds delay,
                 std::chrono::milliseconds hold, std::size_t batch, std::string library)
      : fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)),
        delay_(delay),
        hold_(hold),
        batch_(batch),
        library_(std::move(library)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + file);
  }
  ~RecorderTarget() override { ::close(fd_); }

  scanhook::Stage stage() const noexcept override { return scanhook::Stage::scan; }
  std::size_t max_batch() const noexcept override { return batch_; }

 protected:
  std::vector<scanhook::Result> on_scan(const std::vector<scanhook::ScanFolder>& folders) override {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    std::vector<scanhook::Result> results(folders.size(), scanhook::Result::ok());
    std::string lines;
    for (std::size_t i = 0; i < folders.size(); ++i) {
      if (in_library(folders[i].path))
        lines += folders[i].path + "\n";
      else
        results[i] =
            scanhook::Result::rejected(folders[i].path + " is in no library (" + library_ + ")");
    }
    if (!lines.empty() &&
        (::write(fd_, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size()) ||
         ::fsync(fd_) != 0))
      return std::vector<scanhook::Result>(folders.size(), scanhook::Result::retry("write failed"));
    if (hold_.count() > 0) std::this_thread::sleep_for(hold_);
    return results;
  }
  scanhook::Result on_probe() override { return scanhook::Result::ok(); }
  scanhook::Explanation on_explain(const scanhook::ScanFolder& folder) override {
    return {scanhook::Result::ok(), "recorder", {{"APPEND", folder.path, ""}}};
  }

 private:
  bool in_library(const std::string& path) const {
    return library_.empty() || path.rfind(library_ + "/", 0) == 0;
  }

  int fd_;
  std::chrono::milliseconds delay_;
  std::chrono::milliseconds hold_;
  std::size_t batch_;
  std::string library_;
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  if (args.kind == scanhook::kWebhookSource) return std::make_unique<RecorderSource>();
  return std::make_unique<RecorderTarget>(
      args.config->string("record"), args.config->duration("delay"), args.config->duration("hold"),
      static_cast<std::size_t>(args.config->integer("batch")), args.config->string("library"));
}

}  // namespace

SCANHOOK_PLUGIN("recorder", "1.0.0", "Test plugin: JSON webhook source and recording target",
                scanhook::kWebhookSource | scanhook::kTarget, kConfigKeys, make)
