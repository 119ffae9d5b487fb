// Paths at the door (check_path) and one instance's rewrite and
// include/exclude rules (PathRules).
//
// Rewrite rules, tried in order, the first that matches applies:
//   FROM => TO       prefix: FROM matches the whole path or a leading part
//                    ending at a '/', e.g. "/data/tv => /mnt/tv" maps
//                    /data/tv/Show to /mnt/tv/Show but not /data/tvshows.
//   ~REGEX => TO     RE2 regex searched in the path; the first match is
//                    replaced by TO, where $1..$9 are capture groups, $& the
//                    match and $$ a '$'.
// Windows paths ("C:\TV\Show", "\\nas\tv\Show") have their backslashes turned
// into '/' before any rule sees them, and a prefix FROM written as a Windows
// path matches without regard to case: "C:\TV => /mnt/tv" maps
// "c:\tv\Show\S01" to /mnt/tv/Show/S01. A TO written as a Windows path (a
// target on Windows) gives a Windows path: "/tv => T:\tv" maps /tv/Show to
// T:\tv\Show.
// include/exclude are RE2 regexes searched in the rewritten path: a path is
// kept when it matches some include (or there is none) and no exclude.
// RE2 (github.com/google/re2, its Syntax page) runs in time linear in the
// path and without recursion, whatever the path; it has no backreferences
// (\1 in a pattern) and no lookaround ((?=, (?!, (?<=, (?<!).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"

namespace re2 {
class RE2;
}

namespace scanhook::core {

// The door's limits (Linux's PATH_MAX and NAME_MAX): longer paths are refused.
inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxComponentBytes = 255;

// Absolute, no ".." segment, no NUL, at most kMaxPathBytes and no component
// over kMaxComponentBytes: the path normalised (single slashes, no '.'
// segments, no trailing slash), or the rule it failed.
Expected<std::string> check_path(const std::string& path);

// A path on a target's side: as check_path, but a Windows path (a media server
// on Windows: "T:\tv\Show", "\\nas\media\movies") is accepted too and
// normalised to Windows' own form: backslashes, no doubled or trailing one.
Expected<std::string> check_target_path(const std::string& path);

// The folder of a file path ("/tv/Show/a.mkv" → "/tv/Show"; "/a" → "/").
std::string parent_folder(const std::string& path);

// "C:\x", "c:/x" or "\\server\share": a path from a Windows machine.
bool is_windows_path(const std::string& path);

// A path (or other outside text) as a message quotes it: whole up to
// `max_bytes`, else its start and how long it was, so one request cannot
// write megabytes to the log.
std::string quoted_excerpt(const std::string& text, std::size_t max_bytes = 200);

// A compiled RE2 pattern, or RE2's reason.
Expected<std::shared_ptr<const re2::RE2>> compile_regex(const std::string& pattern);

struct RewriteRule {
  std::string text;  // as written, for messages and explain
  bool regex = false;
  std::string from;  // prefix (normalised) or the regex source
  std::string to;
  bool windows = false;  // a prefix written as a Windows path: matched ignoring case
  std::shared_ptr<const re2::RE2> pattern;  // regex rules only
};

struct Rewritten {
  std::string path;
  std::string rule;  // the rule that applied, "" for none
};

struct FilterVerdict {
  bool accepted = true;
  std::string reason;  // why it was dropped ("excluded by ...", "matches no include ...")
};

class PathRules {
 public:
  PathRules() = default;
  // Throws std::invalid_argument naming the bad rule.
  PathRules(const std::vector<std::string>& rewrites, const std::vector<std::string>& includes,
            const std::vector<std::string>& excludes);

  // Ok when `text` is a valid rewrite rule, else what is wrong with it.
  static Expected<void> check_rule(const std::string& text);

  Rewritten rewrite(const std::string& path) const;
  FilterVerdict filter(const std::string& path) const;

 private:
  std::vector<RewriteRule> rewrites_;
  std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> includes_;
  std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> excludes_;
};

}  // namespace scanhook::core
