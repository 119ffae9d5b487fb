#include "scanhook/core/pipeline/presence_check.hpp"

#include <sys/stat.h>

namespace scanhook::core {

namespace {

std::string duration_text(std::chrono::milliseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds % 3600 == 0 && seconds > 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0 && seconds > 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

bool is(const std::string& path, mode_t type) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IFMT) == type;
}

}  // namespace

PresenceCheck::PresenceCheck(std::string target, const std::vector<std::string>& local_rewrite,
                             std::chrono::milliseconds timeout,
                             std::shared_ptr<ExpectedFiles> files,
                             std::shared_ptr<FileDigests> digests)
    : target_(std::move(target)),
      local_rules_(local_rewrite, {}, {}),
      timeout_(timeout),
      files_(std::move(files)),
      digests_(std::move(digests)) {}

std::string PresenceCheck::local_path(const std::string& path) const {
  return local_rules_.rewrite(path).path;
}

std::optional<std::string> PresenceCheck::missing(const std::string& folder, Millis now) const {
  const auto where = [&](const std::string& path) {
    const std::string local = local_path(path);
    return local == path ? local : local + " (local_rewrite of " + path + ")";
  };
  if (!is(local_path(folder), S_IFDIR)) return "the folder " + where(folder) + " does not exist";
  if (!files_) return std::nullopt;
  for (const auto& file : files_->of(folder, target_, now)) {
    const std::string local = local_path(file.path);
    if (!is(local, S_IFREG)) return "the file " + where(file.path) + " does not exist";
    if (file.sha256.empty()) continue;
    const auto digest = digests_->sha256(local);
    if (!digest) return "the file " + where(file.path) + " cannot be read";
    if (*digest != file.sha256)
      return "the file " + where(file.path) + " has sha256 " + *digest + ", not the expected " +
             file.sha256;
  }
  return std::nullopt;
}

std::optional<Result> PresenceCheck::verdict(const std::string& folder, Millis first_event,
                                             Millis now) const {
  const auto missing_now = missing(folder, now);
  if (!missing_now) return std::nullopt;
  const std::string& problem = *missing_now;
  if (now - first_event < timeout_.count())
    return Result::retry("waiting: " + problem + " yet (require_exists; rejected " +
                         duration_text(timeout_) + " after the first event)");
  return Result::rejected(problem + ", " + duration_text(timeout_) +
                          " after the first event (require_exists, exists_timeout): is it still "
                          "on its way, is the mount up, does local_rewrite map it to where it is?");
}

}  // namespace scanhook::core
