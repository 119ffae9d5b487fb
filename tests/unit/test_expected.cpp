#include <catch2/catch.hpp>

#include "scanhook/core/expected.hpp"
#include "support/expected_printing.hpp"

using scanhook::core::Expected;
using scanhook::core::failure;

TEST_CASE("an Expected holds a value or an error with a message and a hint", "[expected]") {
  const Expected<int> seven = 7;
  REQUIRE(seven);
  CHECK(*seven == 7);
  const Expected<int> refused = failure("no port", "set [server] listen");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "no port");
  CHECK(refused.error().text() == "no port (set [server] listen)");
  CHECK(failure("no port").text() == "no port");
  CHECK(Expected<void>());
  CHECK_FALSE(Expected<void>(failure("bad")));
}

TEST_CASE("a failed check of an Expected prints the reason, not just false", "[expected]") {
  CHECK(Catch::Detail::stringify(Expected<int>(failure("no port", "set listen"))) ==
        "error: no port (set listen)");
  CHECK(Catch::Detail::stringify(Expected<std::string>("x")) == "ok: \"x\"");
  CHECK(Catch::Detail::stringify(Expected<void>(failure("bad rule"))) == "error: bad rule");
  CHECK(Catch::Detail::stringify(Expected<void>()) == "ok");
}
