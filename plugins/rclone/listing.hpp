// A compact, path-sorted listing of the files of an rclone remote: every path
// in one arena string and 24 bytes of record per file, so 100,000 files cost
// little more than their path bytes.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace scanhook::rclone {

// The mod_time_ns of a file whose ModTime rclone wrote as "" (fs/operations/
// lsjson.go writes that for a zero time: a backend that gives none) or that
// could not be read: such a file is compared by size only.
inline constexpr std::int64_t kNoModTime = std::numeric_limits<std::int64_t>::min();

struct FileEntry {
  std::string_view path;  // within the remote, no leading '/', e.g. "tv/Show/S01E01.mkv"
  std::int64_t size = 0;
  std::int64_t mod_time_ns = 0;  // nanoseconds since the Unix epoch, or kNoModTime
};

class Listing {
 public:
  void reserve(std::size_t files, std::size_t path_bytes);
  void add(std::string_view path, std::int64_t size, std::int64_t mod_time_ns);
  // Sorts by path (bytewise) and keeps one entry per path: a remote such as
  // Google Drive can hold two files of one name, and the newest must win the
  // same way on every poll.
  void sort();

  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  FileEntry operator[](std::size_t i) const;

 private:
  struct Record {
    std::uint32_t offset;
    std::uint32_t length;
    std::int64_t size;
    std::int64_t mod_time_ns;
  };
  std::string_view path_of(const Record& record) const {
    return std::string_view(arena_).substr(record.offset, record.length);
  }

  std::string arena_;
  std::vector<Record> records_;
};

}  // namespace scanhook::rclone
