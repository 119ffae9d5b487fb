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
    json.begin_object()
        .member("id", letter.id)
        .member("source", letter.source)
        .member("received_at", letter.received_at)
        .member("error", utf8_text(letter.error))
        .member("attempts", letter.attempts)
        .key("headers");
    write_headers(json, letter.headers);
    json.key("query").begin_array();
    for (const auto& [name, value] : letter.query)
      json.begin_array().value(utf8_text(name)).value(utf8_text(value)).end_array();
    json.end_array();
    // What a request held need not be UTF-8 (a Plex thumbnail); replay sends the stored bytes.
    json.member("body", utf8_text(letter.body)).end_object();
  }
  json.end_array()
      .member("unreadable_rows", letters.unreadable().count("dead_letters"))
      .end_object();
  return json.reply(200);
}

}  // namespace

void add_dead_letter_routes(Router& router, DeadLetterStore& letters, WebhookSources& sources,
                            std::function<void()> changed) {
  router.add("GET", "/api/deadletters", Access::user,
             [&letters](const HttpRequest& request, const RouteParams&) {
               return list(letters, request);
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
