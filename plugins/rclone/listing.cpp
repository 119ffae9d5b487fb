#include "listing.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace scanhook::rclone {

void Listing::reserve(std::size_t files, std::size_t path_bytes) {
  records_.reserve(files);
  arena_.reserve(path_bytes);
}

void Listing::add(std::string_view path, std::int64_t size, std::int64_t mod_time_ns) {
  if (arena_.size() + path.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("the listing is larger than 4 GiB of paths");
  records_.push_back({static_cast<std::uint32_t>(arena_.size()),
                      static_cast<std::uint32_t>(path.size()), size, mod_time_ns});
  arena_.append(path);
}

void Listing::sort() {
  std::sort(records_.begin(), records_.end(), [this](const Record& a, const Record& b) {
    const auto pa = path_of(a);
    const auto pb = path_of(b);
    if (pa != pb) return pa < pb;
    return std::tie(a.mod_time_ns, a.size) > std::tie(b.mod_time_ns, b.size);
  });
  // After the sort the newest of each duplicate comes first.
  const auto end =
      std::unique(records_.begin(), records_.end(),
                  [this](const Record& a, const Record& b) { return path_of(a) == path_of(b); });
  records_.erase(end, records_.end());
}

FileEntry Listing::operator[](std::size_t i) const {
  const Record& record = records_[i];
  return {path_of(record), record.size, record.mod_time_ns};
}

}  // namespace scanhook::rclone
