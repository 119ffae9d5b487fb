// A plugin file's ELF structure checked against its size before dlopen maps it.
#pragma once

#include <filesystem>

#include "scanhook/core/expected.hpp"

namespace scanhook::core {

// Reads the ELF header and program headers of `file` (this process's own
// class and byte order) and checks that they, every PT_LOAD segment's file
// bytes, the PT_DYNAMIC section and the section header table lie inside the
// file. glibc's dlopen (2.36) trusts these and faults on a truncated copy
// (_dl_map_segments clearing past the end of the mapped file: SIGBUS/SIGSEGV).
// A file of another class, or not ELF at all, passes: dlopen refuses those
// itself with a clear reason. Errors: "cannot read the file: <strerror>" or
// "truncated or damaged (<what lies past the end>, the file has N bytes)".
Expected<void> check_elf_layout(const std::filesystem::path& file);

}  // namespace scanhook::core
