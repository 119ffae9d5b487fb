#include "scanhook/core/plugins/elf_layout.hpp"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace scanhook::core {

namespace {

using Header = ElfW(Ehdr);
using ProgramHeader = ElfW(Phdr);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kOwnByteOrder = ELFDATA2LSB;
#else
constexpr unsigned char kOwnByteOrder = ELFDATA2MSB;
#endif
constexpr unsigned char kOwnClass = sizeof(void*) == 8 ? ELFCLASS64 : ELFCLASS32;

// Closes the descriptor on every return path.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

bool read_at(int fd, void* into, std::size_t size, std::uint64_t offset) {
  auto* out = static_cast<char*>(into);
  while (size > 0) {
    const ssize_t got = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    size -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

// Whether [offset, offset + size) lies inside a file of `file_size` bytes, without overflow.
bool inside(std::uint64_t offset, std::uint64_t size, std::uint64_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

Expected<void> damaged(const std::string& what, std::uint64_t file_size) {
  return failure("truncated or damaged (" + what + ", the file has " + std::to_string(file_size) +
                 " bytes)");
}

}  // namespace

Expected<void> check_elf_layout(const std::filesystem::path& file) {
  const FileDescriptor opened{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
  struct stat info {};
  if (opened.fd < 0 || ::fstat(opened.fd, &info) != 0)
    return failure(std::string("cannot read the file: ") + std::strerror(errno));
  const auto file_size = static_cast<std::uint64_t>(info.st_size);

  unsigned char ident[EI_NIDENT] = {};
  if (!read_at(opened.fd, ident, sizeof ident, 0) || std::memcmp(ident, ELFMAG, SELFMAG) != 0 ||
      ident[EI_CLASS] != kOwnClass || ident[EI_DATA] != kOwnByteOrder)
    return {};  // not ours to judge: dlopen names what it is
  Header header{};
  if (!read_at(opened.fd, &header, sizeof header, 0))
    return damaged("its ELF header ends at byte " + std::to_string(sizeof header), file_size);
  if (header.e_phentsize != sizeof(ProgramHeader) || header.e_phnum == 0)
    return damaged("its program header table is missing or has entries of " +
                       std::to_string(header.e_phentsize) + " bytes",
                   file_size);
  const std::uint64_t table_size = std::uint64_t{header.e_phnum} * sizeof(ProgramHeader);
  if (!inside(header.e_phoff, table_size, file_size))
    return damaged("its program headers end at byte " + std::to_string(header.e_phoff + table_size),
                   file_size);
  std::vector<ProgramHeader> segments(header.e_phnum);
  if (!read_at(opened.fd, segments.data(), table_size, header.e_phoff))
    return failure(std::string("cannot read the file: ") + std::strerror(errno));
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const ProgramHeader& segment = segments[i];
    if (segment.p_type != PT_LOAD && segment.p_type != PT_DYNAMIC) continue;
    if (!inside(segment.p_offset, segment.p_filesz, file_size))
      return damaged(std::string(segment.p_type == PT_LOAD ? "its loadable segment #"
                                                           : "its dynamic section in segment #") +
                         std::to_string(i) + " ends at byte " +
                         std::to_string(segment.p_offset + segment.p_filesz),
                     file_size);
  }
  // dlopen never reads them, but a copy cut short loses them first.
  if (header.e_shoff != 0 &&
      !inside(header.e_shoff, std::uint64_t{header.e_shnum} * header.e_shentsize, file_size))
    return damaged("its section headers start at byte " + std::to_string(header.e_shoff),
                   file_size);
  return {};
}

}  // namespace scanhook::core
