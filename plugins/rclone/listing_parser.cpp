#include "listing_parser.hpp"

#include <simdjson.h>

#include <stdexcept>

#include "mod_time.hpp"

namespace scanhook::rclone {

namespace od = simdjson::ondemand;

namespace {

[[noreturn]] void not_json(simdjson::error_code code) {
  throw std::runtime_error(std::string("operations/list did not answer JSON: ") +
                           simdjson::error_message(code));
}

void check(simdjson::error_code code) {
  if (code) not_json(code);
}

// A number as rclone's Size: an integer, or a double cut to one. rclone's
// Size is an int64 (-1: unknown); a number beyond 64 bits (1e33, 2^63) is
// read as unknown too, not cast (a double out of range is undefined behaviour).
std::int64_t size_of(od::value& value) {
  std::int64_t whole = 0;
  if (!value.get_int64().get(whole)) return whole;
  double real = 0;
  check(value.get_double().get(real));
  if (!(real >= -0x1p63 && real < 0x1p63)) return -1;
  return static_cast<std::int64_t>(real);
}

// One element of "list": its Path, Size, ModTime and IsDir, the last of a
// repeated key winning; other members are skipped unread.
void read_item(od::object& object, Listing& listing, UntimedFiles& untimed) {
  std::string path;
  bool has_path = false;
  std::int64_t size = -1;
  std::string mod_time;
  bool is_dir = false;
  for (auto field : object) {
    od::field member;
    check(std::move(field).get(member));
    std::string_view key;
    check(member.unescaped_key().get(key));
    od::value value = member.value();
    od::json_type type;
    check(value.type().get(type));
    if (key == "Path" && type == od::json_type::string) {
      std::string_view text;
      check(value.get_string().get(text));
      path = text;
      has_path = true;
    } else if (key == "ModTime" && type == od::json_type::string) {
      std::string_view text;
      check(value.get_string().get(text));
      mod_time = text;
    } else if (key == "Size" && type == od::json_type::number) {
      size = size_of(value);
    } else if (key == "IsDir" && type == od::json_type::boolean) {
      check(value.get_bool().get(is_dir));
    }
  }
  if (is_dir) return;
  if (!has_path || path.empty())
    throw std::runtime_error("an entry of operations/list has no Path");
  const auto parsed = parse_mod_time(mod_time);
  if (!parsed && untimed.count++ == 0) {
    untimed.first_path = path;
    untimed.first_mod_time = mod_time;
  }
  listing.add(path, size, parsed.value_or(kNoModTime));
}

}  // namespace

Listing parse_listing(const std::string& json, UntimedFiles& untimed) {
  Listing listing;
  // One record per ~150 bytes of rclone's pretty-printed answer, paths ~1/3 of it.
  listing.reserve(json.size() / 150, json.size() / 3);
  const simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  check(parser.iterate(padded).get(doc));
  od::object answer;
  check(doc.get_object().get(answer));
  bool saw_list = false;
  for (auto field : answer) {
    od::field member;
    check(std::move(field).get(member));
    std::string_view key;
    check(member.unescaped_key().get(key));
    od::json_type type;
    check(member.value().type().get(type));
    if (key != "list" || type != od::json_type::array) continue;
    saw_list = true;
    od::array items;
    check(member.value().get_array().get(items));
    for (auto element : items) {
      od::value item;
      check(std::move(element).get(item));
      od::json_type item_type;
      check(item.type().get(item_type));
      if (item_type != od::json_type::object) continue;
      od::object object;
      check(item.get_object().get(object));
      read_item(object, listing, untimed);
    }
  }
  if (!saw_list) throw std::runtime_error("operations/list answered without a \"list\"");
  return listing;
}

}  // namespace scanhook::rclone
