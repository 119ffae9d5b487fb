#include "listing_store.hpp"

#include <cstdio>
#include <random>
#include <type_traits>
#include <vector>

#include "scanhook/config_value.hpp"
#include "scanhook/counted.hpp"

namespace scanhook::rclone {

namespace {

constexpr const char* kSummaryKey = "listing/summary";
constexpr const char* kBucketPrefix = "listing/bucket/";
constexpr const char* kWriterKey = "listing/writer";  // "<writer> <saves>"

std::string bucket_key(std::uint32_t bucket) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%02x", bucket);
  return kBucketPrefix + std::string(hex);
}

// One line per file: "<size> <mod_time_ns> <path bytes> <path>\n"; the
// length prefix lets a path hold any byte. A file without a ModTime has "-".
void append_entry(std::string& out, const FileEntry& entry) {
  out += std::to_string(entry.size);
  out += ' ';
  out += entry.mod_time_ns == kNoModTime ? "-" : std::to_string(entry.mod_time_ns);
  out += ' ';
  out += std::to_string(entry.path.size());
  out += ' ';
  out.append(entry.path);
  out += '\n';
}

// Reads a decimal number ending in `stop` at `pos`; advances past `stop`.
template <class Int>
bool read_number(std::string_view text, std::size_t& pos, char stop, Int& value) {
  const auto end = text.find(stop, pos);
  if (end == std::string_view::npos) return false;
  const auto number = parse_integer(text.substr(pos, end - pos));
  if (!number || (std::is_unsigned_v<Int> && *number < 0)) return false;
  value = static_cast<Int>(*number);
  pos = end + 1;
  return true;
}

bool read_mod_time(std::string_view text, std::size_t& pos, std::int64_t& mod_time) {
  if (text.substr(pos, 2) != "- ") return read_number(text, pos, ' ', mod_time);
  mod_time = kNoModTime;
  pos += 2;
  return true;
}

bool decode_bucket(std::string_view text, Listing& listing, std::size_t& count) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t size = 0;
    std::int64_t mod_time = 0;
    std::size_t length = 0;
    if (!read_number(text, pos, ' ', size) || !read_mod_time(text, pos, mod_time) ||
        !read_number(text, pos, ' ', length) || length == 0 || pos + length >= text.size() ||
        text[pos + length] != '\n')
      return false;
    listing.add(text.substr(pos, length), size, mod_time);
    pos += length + 1;
    ++count;
  }
  return true;
}

// "<format> <files>\n<remote>"
std::string summary_of(const Listing& listing, const std::string& remote) {
  return "1 " + std::to_string(listing.size()) + "\n" + remote;
}

}  // namespace

std::uint32_t ListingStore::bucket_of(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view folder = slash == std::string_view::npos ? "" : path.substr(0, slash);
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : folder) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash % kBuckets;
}

std::string ListingStore::random_writer() {
  std::random_device random;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", random(), random());
  return hex;
}

bool ListingStore::changed_elsewhere() {
  return host_.load(kWriterKey) != known_writer_;
}

std::optional<Listing> ListingStore::load(const std::string& remote) {
  // Read first: a save between this and the buckets shows as a change next time.
  known_writer_ = host_.load(kWriterKey);
  const auto summary = host_.load(kSummaryKey);
  if (!summary) return std::nullopt;
  const auto newline = summary->find('\n');
  std::size_t expected = 0;
  std::size_t pos = 2;
  if (summary->rfind("1 ", 0) != 0 || newline == std::string::npos ||
      !read_number(*summary, pos, '\n', expected)) {
    host_.log(LogLevel::warning,
              "the stored listing has an unknown format: starting a new baseline");
    return std::nullopt;
  }
  const std::string stored_remote = summary->substr(newline + 1);
  if (stored_remote != remote) {
    host_.log(LogLevel::info, "the stored listing is of \"" + stored_remote + "\", not \"" +
                                  remote + "\": starting a new baseline");
    return std::nullopt;
  }
  Listing listing;
  std::size_t count = 0;
  for (const auto& key : host_.keys(kBucketPrefix)) {
    const auto value = host_.load(key);
    if (!value || !decode_bucket(*value, listing, count)) {
      host_.log(LogLevel::warning,
                "the stored listing is damaged (" + key + "): starting a new baseline");
      return std::nullopt;
    }
  }
  if (count != expected) {
    host_.log(LogLevel::warning, "the stored listing holds " + counted(count, "file") +
                                     ", its summary says " + std::to_string(expected) +
                                     ": starting a new baseline");
    return std::nullopt;
  }
  listing.sort();
  return listing;
}

bool ListingStore::save_all(const Listing& listing, const std::string& remote) {
  std::set<std::uint32_t> all;
  for (std::uint32_t bucket = 0; bucket < kBuckets; ++bucket) all.insert(bucket);
  return save_buckets(listing, remote, all);
}

bool ListingStore::save_buckets(const Listing& listing, const std::string& remote,
                                const std::set<std::uint32_t>& buckets) {
  std::vector<bool> wanted(kBuckets);
  for (const auto bucket : buckets) wanted.at(bucket) = true;
  std::vector<std::string> values(kBuckets);
  for (std::size_t i = 0; i < listing.size(); ++i) {
    const FileEntry entry = listing[i];
    const auto bucket = bucket_of(entry.path);
    if (wanted[bucket]) append_entry(values[bucket], entry);
  }
  std::vector<KeyValueChange> changes;
  for (const auto bucket : buckets) {
    if (values[bucket].empty())
      changes.emplace_back(bucket_key(bucket), std::nullopt);
    else
      changes.emplace_back(bucket_key(bucket), std::move(values[bucket]));
  }
  changes.emplace_back(kSummaryKey, summary_of(listing, remote));
  std::string writer = writer_ + " " + std::to_string(++saves_);
  changes.emplace_back(kWriterKey, writer);
  if (!host_.store_all(changes)) return false;
  known_writer_ = std::move(writer);
  return true;
}

}  // namespace scanhook::rclone
