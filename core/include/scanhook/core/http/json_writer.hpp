// Writes the JSON API's answers: objects and arrays built member by member
// into one string, keys in the order written, strings escaped by json_quote
// (control characters as \u00XX; callers pass UTF-8, e.g. through utf8_text).
// The core's one JSON writer; requests are read by json_body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "scanhook/http.hpp"

namespace scanhook::core {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The next member's name, inside an object.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(const std::string& text);
  JsonWriter& value(const char* text) { return value(std::string(text)); }
  JsonWriter& value(bool flag);
  template <class Integer, std::enable_if_t<std::is_integral_v<Integer>, int> = 0>
  JsonWriter& value(Integer number) {
    separate();
    out_ += std::to_string(number);
    return *this;
  }

  // key(name).value(v), for the common case.
  template <class Value>
  JsonWriter& member(std::string_view name, const Value& v) {
    return key(name).value(v);
  }

  // The text written so far (complete once every object and array is closed).
  const std::string& text() const { return out_; }
  // An HttpReply with the text as its application/json body.
  HttpReply reply(int status) const { return {status, "application/json", out_, {}}; }

 private:
  // A comma before every value or member but a container's first.
  void separate();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace scanhook::core
