// What every fake needs to speak its product's formats: compact JSON, XML
// escaping, and whether the client asked for JSON.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>

#include "fakes/fake_http_server.hpp"

namespace scanhook::fakes {

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

std::string to_json(const Poco::Dynamic::Var& value);
std::string xml_escape(const std::string& text);
// The request's Accept header asks for JSON (Plex and plex.tv answer XML otherwise).
bool wants_json(const RecordedRequest& request);

}  // namespace scanhook::fakes
