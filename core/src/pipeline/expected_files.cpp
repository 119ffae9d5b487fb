#include "scanhook/core/pipeline/expected_files.hpp"

#include <sys/stat.h>

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace scanhook::core {

namespace {

// Past this many files the oldest are forgotten: a memory bound, not a limit
// anyone meets waiting for uploads.
constexpr std::size_t kMostFiles = 100'000;

}  // namespace

std::string check_sha256(const std::string& text) {
  if (text.size() != 64)
    return "a SHA-256 is 64 hex digits, this has " + std::to_string(text.size());
  if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
    return "a SHA-256 is 64 hex digits (0-9, a-f)";
  return {};
}

void ExpectedFiles::add(const std::string& folder, ExpectedFile file, Millis now) {
  std::transform(file.sha256.begin(), file.sha256.end(), file.sha256.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::lock_guard lock(mutex_);
  prune(now);
  auto& entries = folders_[folder];
  // A file named again replaces its earlier expectation (a newer hash wins).
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](const Entry& entry) { return entry.file.path == file.path; }),
                entries.end());
  entries.push_back({std::move(file), now, {}});
}

std::vector<ExpectedFile> ExpectedFiles::of(const std::string& folder, const std::string& target,
                                            Millis now) {
  std::lock_guard lock(mutex_);
  prune(now);
  std::vector<ExpectedFile> files;
  const auto found = folders_.find(folder);
  if (found == folders_.end()) return files;
  for (const auto& entry : found->second)
    if (std::find(entry.done.begin(), entry.done.end(), target) == entry.done.end())
      files.push_back(entry.file);
  return files;
}

void ExpectedFiles::delivered(const std::string& folder, const std::string& target,
                              Millis picked_at) {
  std::lock_guard lock(mutex_);
  const auto found = folders_.find(folder);
  if (found == folders_.end()) return;
  for (auto& entry : found->second)
    if (entry.named_at <= picked_at &&
        std::find(entry.done.begin(), entry.done.end(), target) == entry.done.end())
      entry.done.push_back(target);
}

void ExpectedFiles::prune(Millis now) {
  std::size_t count = 0;
  for (const auto& [folder, entries] : folders_) count += entries.size();
  if (now < next_prune_ && count <= kMostFiles) return;
  next_prune_ = now + 1000;
  Millis oldest_kept = now - keep_.count();
  if (count > kMostFiles) {
    std::vector<Millis> times;
    for (const auto& [folder, entries] : folders_)
      for (const auto& entry : entries) times.push_back(entry.named_at);
    std::nth_element(times.begin(), times.begin() + static_cast<long>(count - kMostFiles),
                     times.end());
    oldest_kept = std::max(oldest_kept, times[count - kMostFiles]);
  }
  for (auto it = folders_.begin(); it != folders_.end();) {
    auto& entries = it->second;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const Entry& entry) { return entry.named_at < oldest_kept; }),
                  entries.end());
    it = entries.empty() ? folders_.erase(it) : std::next(it);
  }
}

std::optional<std::string> FileDigests::sha256(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  const long long mtime_ns =
      static_cast<long long>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  {
    std::lock_guard lock(mutex_);
    const auto found = known_.find(path);
    if (found != known_.end() && found->second.size == info.st_size &&
        found->second.mtime_ns == mtime_ns)
      return found->second.digest;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0)
    engine.update(buffer, static_cast<unsigned>(in.gcount()));
  if (in.bad()) return std::nullopt;
  const std::string digest = Poco::DigestEngine::digestToHex(engine.digest());
  std::lock_guard lock(mutex_);
  if (known_.size() > 10'000) known_.clear();  // a bound; re-hashing is only slower
  known_[path] = {static_cast<long long>(info.st_size), mtime_ns, digest};
  return digest;
}

}  // namespace scanhook::core
