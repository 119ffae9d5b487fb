// Whether a filesystem can hold the SQLite database: asked of the filesystem
// itself, since root's access() answers "writable" on the kernel's own
// filesystems (procfs, sysfs, ...), where nothing can be created.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace scanhook::core {

// Why no database can be made or kept on the filesystem holding `existing`
// (a path that exists: the database file, or the nearest folder above where
// it would be made), or nullopt when it can. Reads only (statfs, statvfs).
std::optional<std::string> database_filesystem_refusal(const std::filesystem::path& existing);

// `file` when it exists, else the nearest folder above it that does ("."
// for a relative path none of whose folders exist).
std::filesystem::path nearest_existing(const std::filesystem::path& file);

}  // namespace scanhook::core
