// A small tmpfs mounted for one test: a real filesystem that fills up or
// turns read-only on demand, for the database's disk-fault tests. Mounting
// needs root (CI runs as root); elsewhere available() is false and says why.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace scanhook::testing {

class TmpfsMount {
 public:
  explicit TmpfsMount(std::size_t bytes);
  ~TmpfsMount();  // unmounts (lazily, so an open file cannot keep it)
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool available() const { return mounted_; }
  const std::string& why_unavailable() const { return why_; }
  const std::filesystem::path& path() const { return dir_.path(); }

  void remount_read_only();
  // Writes zeros to <path>/filler until the filesystem is full.
  void fill();
  void free_filler();

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace scanhook::testing
