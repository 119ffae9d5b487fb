// plex.tv's answers as the plex_optout plugin reads them
// (plugins/plex_optout/plextv_client.cpp): a PIN and an account (JSON, Poco's
// parser) and the opt-out list (XML, Poco's DOM parser with external entities
// refused). Each reader gets the whole input. Finding: a crash, a sanitizer
// report, a hang, or any exception (the readers promise none).
#include <cstdint>
#include <string>

#include "plextv_client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  (void)scanhook::plex_optout::parse_pin(body);
  (void)scanhook::plex_optout::parse_account(body);
  (void)scanhook::plex_optout::parse_opt_outs(body);
  return 0;
}
