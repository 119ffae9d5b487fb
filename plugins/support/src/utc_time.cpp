#include "scanhook/support/utc_time.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace scanhook::support {

std::string iso8601_utc(std::int64_t at_ms) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(at_ms * 1000), "%Y-%m-%dT%H:%M:%S.%iZ");
}

}  // namespace scanhook::support
