#include "scanhook/core/web/dead_letter_routes.hpp"

#include <algorithm>
#include <optional>

#include "scanhook/config_value.hpp"
#include "scanhook/core/http/api_reply.hpp"
#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/pipeline/dead_letters.hpp"
#include "scanhook/core/pipeline/webhook_delivery.hpp"
#include "scanhook/core/text/utf8_text.hpp"
#include "scanhook/core/web/query_parameters.hpp"

namespace scanhook::core {

namespace {

std::optional<std::int64_t> letter_id(const std::string& text) {
  const auto id = parse_integer(text);
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

HttpReply bad_id(const std::string& text) {
  return json_error(400, "a dead letter id is a positive whole number, not \"" + text + "\"");
}

// Header names as a JSON object's keys: a repeated name keeps its first
// place and its last value (as the answer always had).
void write_headers(JsonWriter& json, const HeaderList& headers) {
  std::vector<std::pair<std::string, std::string>> unique;
  for (const auto& [name, value] : headers) {
    const std::string key = utf8_text(name);
    auto found = std::find_if(unique.begin(), unique.end(),
                              [&](const auto& pair) { return pair.first == key; });
    if (found == unique.end())
      unique.emplace_back(key, utf8_text(value));
    else
      found->second = utf8_text(value);
  }
  json.begin_object();
  for (const auto& [name, value] : unique) json.member(name, value);
  json.end_object();
}

// The members a listed and a whole letter share, but the headers and query.
void write_head(JsonWriter& json, const DeadLetterHead& letter) {
  json.member("id", letter.id)
      .member("source", letter.source)
      .member("received_at", letter.received_at)
      .member("error", utf8_text(letter.error))
      .member("attempts", letter.attempts);
}

HttpReply list(DeadLetterStore& letters, const HttpRequest& request) {
  if (const auto known =
          known_parameters(request, {"limit", "offset"}, "the dead letters take limit and offset");
      !known)
    return json_error(400, known.error().text());
  const auto page = page_of(request);
  if (!page) return json_error(400, page.error().text());
  JsonWriter json;
  json.begin_object().key("dead_letters").begin_array();
  for (const auto& letter : letters.list(page->limit, page->offset)) {
    json.begin_object();
    write_head(json, letter);
    json.key("headers");
    write_headers(json, letter.headers);
    json.key("query").begin_array();
    for (const auto& [name, value] : letter.query)
      json.begin_array().value(utf8_text(name)).value(utf8_text(value)).end_array();
    json.end_array();
    // Never the body itself (a page of 10 MB bodies was a 126 MB answer):
    // its size and its start, as text (a Plex webhook's JPEG part is not UTF-8).
    const auto shown = letter.body_start.size() < static_cast<std::size_t>(letter.body_bytes)
                           ? without_cut_character(letter.body_start)
                           : letter.body_start;
    json.member("body_bytes", letter.body_bytes)
        .member("body_preview", utf8_text(shown))
        .member("body_preview_cut", shown.size() < static_cast<std::size_t>(letter.body_bytes))
        .end_object();
  }
  json.end_array()
      .member("unreadable_rows", letters.unreadable().count("dead_letters"))
      .end_object();
  return json.reply(200);
}

// [[name, value], ...] in the stored form: bytes that are not UTF-8 as {"base64": ...}.
void write_pairs(JsonWriter& json, const HeaderList& pairs) {
  json.begin_array();
  for (const auto& [name, value] : pairs) {
    json.begin_array();
    DeadLetterStore::write_bytes(json, name);
    DeadLetterStore::write_bytes(json, value);
    json.end_array();
  }
  json.end_array();
}

// One letter whole: exactly what a replay sends.
HttpReply whole(const DeadLetter& letter) {
  JsonWriter json;
  json.begin_object();
  write_head(json, letter);
  json.key("headers");
  write_pairs(json, letter.headers);
  json.key("query");
  write_pairs(json, letter.query);
  json.member("body_bytes", letter.body.size()).key("body");
  DeadLetterStore::write_bytes(json, letter.body);
  json.end_object();
  return json.reply(200);
}

}  // namespace

void add_dead_letter_routes(Router& router, DeadLetterStore& letters, WebhookSources& sources,
                            std::function<void()> changed) {
  router.add("GET", "/api/deadletters", Access::user,
             [&letters](const HttpRequest& request, const RouteParams&) {
               return list(letters, request);
             });
  router.add("GET", "/api/deadletters/{id}", Access::user,
             [&letters](const HttpRequest&, const RouteParams& params) {
               const std::string& text = params.at("id");
               const auto id = letter_id(text);
               if (!id) return bad_id(text);
               const auto letter = letters.find(*id);
               if (!letter) return json_error(404, "no dead letter " + text);
               return whole(*letter);
             });
  router.add_deferred(
      "POST", "/api/deadletters/{id}/replay", Access::user,
      [&letters, &sources, changed](const HttpRequest&, const RouteParams& params,
                                    const Respond& respond) {
        const std::string& text = params.at("id");
        const auto id = letter_id(text);
        if (!id) return respond(bad_id(text));
        const auto letter = letters.find(*id);
        if (!letter) return respond(json_error(404, "no dead letter " + text));
        if (!sources.takes_webhooks(letter->source))
          return respond(json_error(409, "the source " + letter->source +
                                             " is no longer a configured webhook source: "
                                             "nothing to replay it to"));
        sources.rerun(letter->source, DeadLetters::request_of(*letter),
                      [&letters, changed, id = *id, respond](WebhookAnswer answer) {
                        if (changed) changed();
                        if (answer.succeeded) {
                          letters.remove(id);
                          return respond(std::move(answer.reply));
                        }
                        letters.failed_again(id, answer.error);
                        respond(with_dead_letter(std::move(answer.reply), id));
                      });
      });
  router.add("DELETE", "/api/deadletters/{id}", Access::user,
             [&letters, changed](const HttpRequest&, const RouteParams& params) {
               const std::string& text = params.at("id");
               const auto id = letter_id(text);
               if (!id) return bad_id(text);
               if (!letters.remove(*id)) return json_error(404, "no dead letter " + text);
               if (changed) changed();
               JsonWriter json;
               return json.begin_object().member("deleted", *id).end_object().reply(200);
             });
}

}  // namespace scanhook::core
