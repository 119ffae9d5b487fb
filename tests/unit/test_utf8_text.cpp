#include <catch2/catch.hpp>

#include "scanhook/core/text/utf8_text.hpp"

using scanhook::core::is_utf8;
using scanhook::core::utf8_text;

TEST_CASE("valid UTF-8 is kept as it is", "[utf8]") {
  CHECK(utf8_text("") == "");
  CHECK(utf8_text("/tv/Am\xC3\xA9lie/\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\xAC") ==
        "/tv/Am\xC3\xA9lie/\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\xAC");
  CHECK(utf8_text(std::string("a\0b", 3)) == std::string("a\0b", 3));  // JSON escapes NUL
}

TEST_CASE("each byte outside a valid UTF-8 sequence becomes U+FFFD", "[utf8]") {
  const std::string bad = "\xEF\xBF\xBD";
  CHECK(utf8_text("\xFF\xD8\xFF\xE0 JFIF") == bad + bad + bad + bad + " JFIF");  // a JPEG start
  CHECK(utf8_text("caf\xE9!") == "caf" + bad + "!");                             // Latin-1
  CHECK(utf8_text("\xC0\xAF") == bad + bad);                                     // overlong '/'
  CHECK(utf8_text("\xED\xA0\x80") == bad + bad + bad);            // a UTF-16 surrogate
  CHECK(utf8_text("\xF4\x90\x80\x80") == bad + bad + bad + bad);  // above U+10FFFF
  CHECK(utf8_text("ok\xE6\x97") == "ok" + bad + bad);             // cut short at the end
}

TEST_CASE("is_utf8 tells valid UTF-8 from other bytes", "[utf8]") {
  CHECK(is_utf8(""));
  CHECK(is_utf8("/tv/Am\xC3\xA9lie \xF0\x9F\x8E\xAC"));
  CHECK_FALSE(is_utf8("/tv/Am\xE9lie"));
  CHECK_FALSE(is_utf8("\xED\xA0\x80"));
  CHECK_FALSE(is_utf8("ok\xE6\x97"));
}

TEST_CASE("the start of a longer text loses only a character its end cuts in two", "[utf8]") {
  using scanhook::core::without_cut_character;
  CHECK(without_cut_character("").empty());
  CHECK(without_cut_character("abc") == "abc");
  CHECK(without_cut_character("caf\xC3\xA9") == "caf\xC3\xA9");  // whole
  CHECK(without_cut_character("caf\xC3") == "caf");              // 1 of 2 bytes
  CHECK(without_cut_character("ok\xE2\x9C") == "ok");            // 2 of 3
  CHECK(without_cut_character("ok\xF0\x9F\x8E") == "ok");        // 3 of 4
  CHECK(without_cut_character("ok\xF0\x9F\x8E\xAC") == "ok\xF0\x9F\x8E\xAC");
  // Bytes that are not UTF-8 are left as they are (utf8_text replaces them).
  CHECK(without_cut_character("ok\xFF") == "ok\xFF");
  CHECK(without_cut_character("\x80\x80\x80\x80") == "\x80\x80\x80\x80");
}
