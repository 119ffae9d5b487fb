// support::url_encode (now Poco::URI::encode): every byte but RFC 3986's
// unreserved characters is percent-encoded, in upper-case hex.
#include <catch2/catch.hpp>

#include <string>

#include "scanhook/support/http_client.hpp"

using scanhook::support::url_encode;

TEST_CASE("url_encode leaves only RFC 3986 unreserved bytes as they are", "[http]") {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  static const char* const kHex = "0123456789ABCDEF";
  for (int byte = 0; byte < 256; ++byte) {
    const std::string one(1, static_cast<char>(byte));
    const std::string expected = unreserved.find(one) != std::string::npos
                                     ? one
                                     : std::string{'%', kHex[byte >> 4], kHex[byte & 15]};
    INFO("byte " << byte);
    CHECK(url_encode(one) == expected);
  }
  CHECK(url_encode("Ünïcödé \"Film\"/S01 & more?=1#x") ==
        "%C3%9Cn%C3%AFc%C3%B6d%C3%A9%20%22Film%22%2FS01%20%26%20more%3F%3D1%23x");
  CHECK(url_encode(std::string("a\0b", 3)) == "a%00b");
}
