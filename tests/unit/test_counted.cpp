#include <catch2/catch.hpp>

#include "scanhook/core/text/counted.hpp"

using scanhook::core::counted;

TEST_CASE("a count of one names its noun in the singular, any other in the plural", "[text]") {
  CHECK(counted(1, "folder") == "1 folder");
  CHECK(counted(0, "target") == "0 targets");
  CHECK(counted(3, "source") == "3 sources");
}

TEST_CASE("a noun whose plural is not its singular with an s is given both", "[text]") {
  CHECK(counted(1, "delivery", "deliveries") == "1 delivery");
  CHECK(counted(2, "delivery", "deliveries") == "2 deliveries");
  CHECK(counted(0, "delivery", "deliveries") == "0 deliveries");
}
