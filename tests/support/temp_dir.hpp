// A fresh folder under the system temp dir for one test, removed at the end.
#pragma once

#include <filesystem>
#include <string>

namespace scanhook::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& stem = "scanhook-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Writes `content` to <path>/<relative>, creating folders on the way.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace scanhook::testing
