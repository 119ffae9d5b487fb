#include "support/tmpfs_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace scanhook::testing {

TmpfsMount::TmpfsMount(std::size_t bytes) : dir_("scanhook-tmpfs") {
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) == 0)
    mounted_ = true;
  else
    why_ = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
}

void TmpfsMount::remount_read_only() {
  if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) != 0)
    throw std::runtime_error(std::string("cannot remount read-only: ") + std::strerror(errno));
}

void TmpfsMount::fill() {
  const auto filler = dir_.path() / "filler";
  const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(std::string("cannot create filler: ") + std::strerror(errno));
  const std::vector<char> block(4096, 0);
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  // The last partial block, byte by byte, so not even a page is left.
  while (::write(fd, block.data(), 1) > 0) {
  }
  ::close(fd);
}

void TmpfsMount::free_filler() {
  std::filesystem::remove(dir_.path() / "filler");
}

}  // namespace scanhook::testing
