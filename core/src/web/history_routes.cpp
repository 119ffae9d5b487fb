#include "scanhook/core/web/history_routes.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <algorithm>
#include <iterator>
#include <regex>
#include <vector>

#include "scanhook/config_value.hpp"
#include "scanhook/core/http/api_reply.hpp"
#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/text/utf8_text.hpp"
#include "scanhook/core/web/query_parameters.hpp"

namespace scanhook::core {

namespace {

constexpr std::size_t kMaxNameBytes = 255;  // a source or target name

const std::vector<std::string> kParameters = {"limit",  "offset",  "path",  "source",
                                              "target", "outcome", "since", "until"};

// Milliseconds since the epoch from "1700000000000" or an ISO 8601 time
// ("2026-11-30T08:00:00Z", "2026-11-30T09:00:00+01:00", "2026-11-30").
std::optional<Millis> parse_time(const std::string& text) {
  if (const auto millis = parse_integer(text)) {
    if (*millis >= 0) return *millis;
    return std::nullopt;
  }
  // Poco's parser skips what it does not expect ("yesterday" would pass): the shape first.
  static const std::regex kIso8601(
      R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)");
  if (text.size() > 40 || !std::regex_match(text, kIso8601)) return std::nullopt;
  Poco::DateTime parsed;
  int zone = 0;
  for (const std::string& format :
       {Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, std::string("%Y-%m-%d")}) {
    if (Poco::DateTimeParser::tryParse(format, text, parsed, zone))
      return (parsed.timestamp().epochMicroseconds() - Poco::Timestamp::TimeDiff(zone) * 1000000) /
             1000;
  }
  return std::nullopt;
}

// A text parameter's value, checked for UTF-8 and length.
Expected<std::string> text_value(const std::string& name, const std::string& value,
                                 std::size_t max_bytes) {
  if (!is_utf8(value)) return failure(name + " must be UTF-8 text");
  if (value.size() > max_bytes)
    return failure(name + " is " + std::to_string(value.size()) + " bytes, over the limit of " +
                   std::to_string(max_bytes));
  return value;
}

}  // namespace

Expected<HistoryFilter> history_filter_of(const HttpRequest& request) {
  if (auto known = known_parameters(
          request, kParameters,
          "the history takes limit, offset, path, source, target, outcome, since and until");
      !known)
    return known.error();
  HistoryFilter filter;
  std::vector<std::string> seen;
  for (const auto& [name, value] : request.query) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return failure(name + " is given twice");
    seen.push_back(name);
    if (name == "path" || name == "source" || name == "target") {
      auto text = text_value(name, value, name == "path" ? kMaxPathBytes : kMaxNameBytes);
      if (!text) return text.error();
      (name == "path"     ? filter.path
       : name == "source" ? filter.source
                          : filter.target) = std::move(text).value();
    }
    if (name == "outcome") {
      if (std::find(std::begin(kHistoryOutcomes), std::end(kHistoryOutcomes), value) ==
          std::end(kHistoryOutcomes))
        return failure("outcome must be one of ok, rejected, dropped, filtered, ignored; not \"" +
                       utf8_text(value).substr(0, 100) + "\"");
      filter.outcome = value;
    }
    if (name == "since" || name == "until") {
      const auto time = parse_time(value);
      if (!time)
        return failure(name +
                       " must be an ISO 8601 time (2026-11-30T08:00:00Z) or milliseconds since "
                       "the epoch, not \"" +
                       utf8_text(value).substr(0, 100) + "\"");
      (name == "since" ? filter.finished_from : filter.finished_before) = *time;
    }
  }
  if (filter.finished_from >= filter.finished_before)
    return failure(
        std::find(seen.begin(), seen.end(), "since") != seen.end()
            ? "since must be before until"
            : "until must be after 1970-01-01T00:00:00Z (0): nothing finished before it");
  return filter;
}

void add_history_routes(Router& router, QueueStore& queue,
                        std::map<std::string, std::string> target_configs,
                        std::function<void()> requeued) {
  router.add("GET", "/api/history", Access::user,
             [&queue, configs = target_configs](const HttpRequest& request, const RouteParams&) {
               const auto page = page_of(request);
               if (!page) return json_error(400, page.error().text());
               const auto filter = history_filter_of(request);
               if (!filter) return json_error(400, filter.error().text());
               JsonWriter json;
               json.begin_object()
                   .member("total", queue.history_count(*filter))
                   .member("limit", page->limit)
                   .member("offset", page->offset)
                   .key("history")
                   .begin_array();
               for (const auto& entry : queue.history(page->limit, page->offset, *filter)) {
                 // A rejection can be retried while its target is configured; one made
                 // under other settings of that target may fare otherwise now.
                 const auto config = configs.find(entry.target);
                 const bool retryable =
                     entry.outcome == status_name(Status::rejected) && config != configs.end();
                 json.begin_object()
                     .member("id", entry.id)
                     .member("folder", entry.folder)
                     .member("target", entry.target)
                     .member("target_path", entry.target_path)
                     .member("outcome", entry.outcome)
                     .member("attempts", entry.attempts)
                     .member("queued_at", entry.queued_at)
                     .member("finished_at", entry.finished_at)
                     .member("duration_ms", entry.duration_ms)
                     .member("reason", entry.reason)
                     .member("retryable", retryable)
                     .member("config_changed", retryable && entry.config != config->second)
                     .member("retried_at", entry.retried_at)
                     .member("source", entry.source);
                 // Several instances on PostgreSQL: which one delivered it.
                 if (!entry.instance.empty()) json.member("instance", entry.instance);
                 json.end_object();
               }
               json.end_array()
                   .member("unreadable_rows", queue.unreadable().count("history"))
                   .end_object();
               return json.reply(200);
             });
  router.add(
      "POST", "/api/history/{id}/retry", Access::user,
      [&queue, configs = std::move(target_configs), requeued = std::move(requeued)](
          const HttpRequest&, const RouteParams& params) {
        const std::string& text = params.at("id");
        const auto id = parse_integer(text);
        if (!id || *id <= 0)
          return json_error(400, "a history id is a positive whole number, not \"" + text + "\"");
        const auto target = queue.history_target(*id);
        if (!target) return json_error(404, "no history entry " + text);
        // A row no target took ("") is not a rejection: retry() says so.
        if (!target->empty() && !configs.count(*target))
          return json_error(409, "the target " + *target +
                                     " is no longer configured: nothing to retry the folder with");
        switch (queue.retry(*id, kApiSource, now_millis())) {
          case Retried::not_found: return json_error(404, "no history entry " + text);
          case Retried::not_rejected:
            return json_error(409, "history entry " + text +
                                       " was not rejected: only a rejected folder is retried");
          case Retried::requeued: break;
        }
        if (requeued) requeued();
        JsonWriter json;
        return json.begin_object()
            .member("id", *id)
            .member("target", *target)
            .member("queued", true)
            .end_object()
            .reply(200);
      });
}

}  // namespace scanhook::core
