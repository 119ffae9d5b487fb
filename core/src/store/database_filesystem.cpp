#include "scanhook/core/store/database_filesystem.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <cstdint>

namespace scanhook::core {

namespace {

// The kernel's filesystems that hold no files of ours (linux/magic.h): a
// database there fails at start, or its folder becomes a kernel object (a
// mkdir in cgroupfs makes a cgroup).
struct KernelFilesystem {
  std::uint32_t magic;
  const char* name;
};

constexpr KernelFilesystem kKernelFilesystems[] = {
    {PROC_SUPER_MAGIC, "procfs"},     {SYSFS_MAGIC, "sysfs"},
    {CGROUP_SUPER_MAGIC, "cgroupfs"}, {CGROUP2_SUPER_MAGIC, "cgroup2fs"},
    {DEBUGFS_MAGIC, "debugfs"},       {TRACEFS_MAGIC, "tracefs"},
    {SECURITYFS_MAGIC, "securityfs"}, {PSTOREFS_MAGIC, "pstore"},
    {BPF_FS_MAGIC, "bpffs"},          {DEVPTS_SUPER_MAGIC, "devpts"},
    {SELINUX_MAGIC, "selinuxfs"},     {EFIVARFS_MAGIC, "efivarfs"},
    {BINFMTFS_MAGIC, "binfmt_misc"},  {SMACK_MAGIC, "smackfs"},
};

}  // namespace

std::optional<std::string> database_filesystem_refusal(const std::filesystem::path& existing) {
  struct statfs kind {};
  if (::statfs(existing.c_str(), &kind) == 0)
    for (const auto& kernel : kKernelFilesystems)
      if (static_cast<std::uint32_t>(kind.f_type) == kernel.magic)
        return existing.string() + " is on " + kernel.name +
               ", the kernel's own filesystem: no database can be made there; name a folder on "
               "a disk";
  struct statvfs mount {};
  if (::statvfs(existing.c_str(), &mount) == 0 && (mount.f_flag & ST_RDONLY) != 0)
    return existing.string() + " is on a read-only filesystem";
  return std::nullopt;
}

std::filesystem::path nearest_existing(const std::filesystem::path& file) {
  std::error_code error;
  std::filesystem::path path = file;
  while (!path.empty() && !std::filesystem::exists(path, error)) {
    if (path == path.root_path()) break;
    path = path.parent_path();
  }
  return path.empty() ? std::filesystem::path(".") : path;
}

}  // namespace scanhook::core
