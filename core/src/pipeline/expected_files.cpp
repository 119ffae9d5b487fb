#include "scanhook/core/pipeline/expected_files.hpp"

#include <sys/stat.h>

#include <Poco/DigestEngine.h>
#include <Poco/Logger.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace scanhook::core {

Expected<void> check_sha256(const std::string& text) {
  if (text.size() != 64)
    return failure("a SHA-256 is 64 hex digits, this has " + std::to_string(text.size()));
  if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
    return failure("a SHA-256 is 64 hex digits (0-9, a-f)");
  return {};
}

void ExpectedFiles::add(std::vector<FolderFile> files, Millis now) {
  if (files.empty()) return;
  for (auto& named : files) {
    std::string& hash = named.second.sha256;
    std::transform(hash.begin(), hash.end(), hash.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  store_.add(files, now, now - keep_.count());
}

std::vector<ExpectedFile> ExpectedFiles::of(const std::string& folder, const std::string& target,
                                            Millis now) {
  return store_.of(folder, target, now - keep_.count());
}

void ExpectedFiles::delivered(const std::string& folder, const std::string& target,
                              Millis picked_at) {
  try {
    store_.delivered(folder, target, picked_at);
  } catch (const std::exception& error) {
    Poco::Logger::get("scanhook.engine")
        .warning(
            "[target.%s] could not note that it had %s (%s): a later event for it waits "
            "for the files named before",
            target, folder, std::string(error.what()));
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
