#include "vfs_refresh_target.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>

#include "scanhook/config_value.hpp"
#include "scanhook/http.hpp"

namespace scanhook::rclone {

namespace {

constexpr const char* kMissingPrefix = "missing/";

// What rclone says for a dir that is not (yet) in the remote: os.ErrNotExist
// from the VFS walk, or the backend's "directory not found" on the read.
bool is_missing(const std::string& outcome) {
  return outcome == "file does not exist" || outcome == "directory not found";
}

std::string shown(const std::string& dir) {
  return dir.empty() ? "/" : dir;
}

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  }
}

}  // namespace

std::string vfs_dir(const std::string& folder) {
  std::string dir;
  std::size_t start = 0;
  while (start <= folder.size()) {
    const auto end = std::min(folder.find('/', start), folder.size());
    if (end > start) {
      if (!dir.empty()) dir += '/';
      dir.append(folder, start, end - start);
    }
    start = end + 1;
  }
  return dir;
}

VfsRefreshTarget::VfsRefreshTarget(std::string instance, RcClient rc, RefreshSettings settings,
                                   Host& host)
    : instance_(std::move(instance)),
      rc_(std::move(rc)),
      settings_(std::move(settings)),
      host_(host) {}

std::string VfsRefreshTarget::refresh_body(const std::vector<std::string>& dirs,
                                           bool recursive) const {
  std::string body = "{";
  auto add = [&body](const std::string& key, const std::string& value) {
    if (body.size() > 1) body += ",";
    body += json_quote(key) + ":" + json_quote(value);
  };
  if (!settings_.fs.empty()) add("fs", settings_.fs);
  // rclone reads "recursive" only as a string: a JSON true is an error.
  if (recursive) add("recursive", "true");
  std::size_t n = 0;
  for (const auto& dir : dirs) {
    if (dir.empty()) continue;  // the root is refreshed when no dir is given
    ++n;
    add(n == 1 ? "dir" : "dir" + std::to_string(n), dir);
  }
  return body + "}";
}

VfsRefreshTarget::Outcomes VfsRefreshTarget::refresh_call(const std::vector<std::string>& dirs,
                                                          bool recursive) {
  Outcomes outcomes;
  auto response = rc_.call("vfs/refresh", refresh_body(dirs, recursive));
  if (response.status == 500 && RcClient::error_of(response).find("VFS") != std::string::npos) {
    const Result choice = check_vfs_choice();
    if (choice.status != Status::ok) {
      outcomes.failure = choice;
      return outcomes;
    }
    // The VFS is there now: rclone was still starting it. Ask once more.
    response = rc_.call("vfs/refresh", refresh_body(dirs, recursive));
  }
  if (!response.success()) {
    outcomes.failure = rc_.failure(response, "vfs/refresh");
    return outcomes;
  }
  const auto answer = parse_object(response.body);
  const auto result = answer ? answer->getObject("result") : nullptr;
  if (!answer) {
    outcomes.failure = rc_.unreadable(response, "vfs/refresh", "not JSON");
    return outcomes;
  }
  if (!result) {
    outcomes.failure = Result::retry("rclone answered vfs/refresh without a \"result\": " +
                                     response.body.substr(0, 200));
    return outcomes;
  }
  for (const auto& dir : dirs)
    if (result->has(dir) && result->get(dir).isString())
      outcomes.by_dir[dir] = result->getValue<std::string>(dir);
  return outcomes;
}

VfsRefreshTarget::Outcomes VfsRefreshTarget::refresh(const std::vector<std::string>& dirs,
                                                     bool recursive) {
  std::vector<std::string> others;
  for (const auto& dir : dirs)
    if (!dir.empty()) others.push_back(dir);
  Outcomes outcomes;
  if (others.size() < dirs.size()) outcomes = refresh_call({""}, recursive);
  if (others.empty() || outcomes.failure) return outcomes;
  Outcomes rest = refresh_call(others, recursive);
  rest.by_dir.insert(outcomes.by_dir.begin(), outcomes.by_dir.end());
  return rest;
}

void VfsRefreshTarget::reveal(const std::vector<std::string>& missing) {
  auto parents_of = [](const std::vector<std::string>& dirs) {
    std::set<std::string> parents;
    for (const auto& dir : dirs) {
      const auto slash = dir.rfind('/');
      parents.insert(slash == std::string::npos ? "" : dir.substr(0, slash));
    }
    return std::vector<std::string>(parents.begin(), parents.end());
  };
  // Up: refresh parents until rclone knows each one; remember those it did not.
  std::vector<std::vector<std::string>> unknown_levels;
  std::vector<std::string> level = parents_of(missing);
  while (!level.empty()) {
    const Outcomes outcomes = refresh(level, false);
    if (outcomes.failure) return;
    std::vector<std::string> unknown;
    for (const auto& dir : level) {
      const auto it = outcomes.by_dir.find(dir);
      if (!dir.empty() && it != outcomes.by_dir.end() && is_missing(it->second))
        unknown.push_back(dir);
    }
    if (unknown.empty()) break;
    unknown_levels.push_back(unknown);
    level = parents_of(unknown);
  }
  // Down: each level is now in its refreshed parent.
  for (auto it = unknown_levels.rbegin(); it != unknown_levels.rend(); ++it)
    if (refresh(*it, false).failure) return;
}

std::vector<Result> VfsRefreshTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<std::string> dirs;
  for (const auto& folder : folders) {
    std::string dir = vfs_dir(folder.path);
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(std::move(dir));
  }
  Outcomes outcomes = refresh(dirs, settings_.recursive);
  if (outcomes.failure) return std::vector<Result>(folders.size(), *outcomes.failure);

  std::vector<std::string> missing;
  for (const auto& [dir, outcome] : outcomes.by_dir)
    if (is_missing(outcome)) missing.push_back(dir);
  if (!missing.empty()) {
    reveal(missing);
    const Outcomes again = refresh(missing, settings_.recursive);
    for (const auto& [dir, outcome] : again.by_dir) outcomes.by_dir[dir] = outcome;
  }

  std::vector<KeyValueChange> counts;
  std::map<std::string, Result> by_dir;
  for (const auto& dir : dirs) {
    const auto it = outcomes.by_dir.find(dir);
    by_dir[dir] = it == outcomes.by_dir.end()
                      ? Result::retry("rclone's answer to vfs/refresh does not mention \"" +
                                      shown(dir) + "\"")
                      : dir_result(dir, it->second, counts);
  }
  if (!counts.empty() && !host_.store_all(counts))
    host_.log(LogLevel::warning,
              "could not store how often missing folders were tried: the counts may restart");
  std::vector<Result> results;
  for (const auto& folder : folders) results.push_back(by_dir.at(vfs_dir(folder.path)));
  return results;
}

Result VfsRefreshTarget::dir_result(const std::string& dir, const std::string& outcome,
                                    std::vector<KeyValueChange>& counts) {
  const std::string key = kMissingPrefix + dir;
  const auto stored = host_.load(key);
  if (outcome == "OK") {
    if (stored) counts.emplace_back(key, std::nullopt);
    return Result::ok();
  }
  if (!is_missing(outcome))
    return Result::retry("rclone could not refresh \"" + shown(dir) + "\": " + outcome);

  const std::int64_t retries = stored ? parse_integer(*stored).value_or(0) : 0;
  const std::string what = "\"" + shown(dir) + "\" does not exist in rclone's VFS";
  if (retries >= settings_.missing_retries) {
    counts.emplace_back(key, std::nullopt);
    return Result::rejected(what + " (" + outcome + ", still missing after " +
                            std::to_string(retries) +
                            " retries): check that the target's rewrite maps the mount point "
                            "to \"\" and that fs names the right VFS");
  }
  counts.emplace_back(key, std::to_string(retries + 1));
  return Result::retry(what + " yet (retry " + std::to_string(retries + 1) + " of " +
                           std::to_string(settings_.missing_retries) +
                           "; the upload may still be arriving)",
                       settings_.missing_retry_after);
}

Result VfsRefreshTarget::check_vfs_choice() {
  const std::string fs_body =
      settings_.fs.empty() ? "{}" : "{\"fs\":" + json_quote(settings_.fs) + "}";
  const auto stats = rc_.call("vfs/stats", fs_body);
  if (stats.success()) return Result::ok();
  const std::string error = RcClient::error_of(stats);
  if (stats.status != 500 || error.find("VFS") == std::string::npos)
    return rc_.failure(stats, "vfs/stats");

  std::string names;
  const auto list = rc_.call("vfs/list", "{}");
  const auto answer = list.success() ? parse_object(list.body) : nullptr;
  const auto vfses = answer ? answer->getArray("vfses") : nullptr;
  for (std::size_t i = 0; vfses && i < vfses->size(); ++i)
    names += (names.empty() ? "" : ", ") + vfses->getElement<std::string>(i);
  if (names.empty())
    return Result::unavailable(
        "rclone has no VFS to refresh (" + error +
        "): start it as `rclone mount REMOTE: /mount/point --rc` or `rclone serve ... --rc`");
  return Result::unavailable("rclone cannot tell which VFS to refresh (" + error +
                             "): set fs in [target." + instance_ + "] to one of: " + names);
}

Result VfsRefreshTarget::on_probe() {
  return check_vfs_choice();
}

Explanation VfsRefreshTarget::on_explain(const ScanFolder& folder) {
  const std::string dir = vfs_dir(folder.path);
  const std::string library =
      "rclone VFS " + (settings_.fs.empty() ? std::string("(the only one active)") : settings_.fs) +
      ", dir \"" + shown(dir) + "\"";
  return {Result::ok(),
          library,
          {{"POST", rc_.public_url("vfs/refresh"), refresh_body({dir}, settings_.recursive)}}};
}

}  // namespace scanhook::rclone
