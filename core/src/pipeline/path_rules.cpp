#include "scanhook/core/pipeline/path_rules.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "scanhook/core/text/counted.hpp"
#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::string with_forward_slashes(std::string path) {
  std::replace(path.begin(), path.end(), '\\', '/');
  return path;
}

// Collapses "//", drops "." segments and a trailing '/'; keeps a leading '/'
// or a Windows drive ("C:") as it is.
std::string normalise(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  const bool absolute = !path.empty() && path.front() == '/';
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string segment = path.substr(start, slash - start);
    if (!segment.empty() && segment != ".") {
      if (!out.empty() || absolute) out += '/';
      out += segment;
    }
    start = slash + 1;
  }
  if (out.empty() && absolute) out = "/";
  return out;
}

bool has_dot_dot(const std::string& path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (path.compare(start, slash - start, "..") == 0 && slash - start == 2) return true;
    start = slash + 1;
  }
  return false;
}

bool iequals_prefix(const std::string& text, const std::string& prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// The highest $N a regex rule's TO names (0 when none).
int highest_group(const std::string& to) {
  int highest = 0;
  for (std::size_t i = 0; i + 1 < to.size(); ++i) {
    if (to[i] != '$') continue;
    if (to[i + 1] == '$') {
      ++i;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(to[i + 1])) && to[i + 1] != '0')
      highest = std::max(highest, to[i + 1] - '0');
  }
  return highest;
}

// TO with $1..$9, $& and $$ filled from a match (RE2's own Rewrite says \1;
// scanhook keeps the $1 its users already write).
std::string expand(const std::string& to, const re2::StringPiece* groups, int group_count) {
  std::string out;
  for (std::size_t i = 0; i < to.size(); ++i) {
    const char next = i + 1 < to.size() ? to[i + 1] : '\0';
    if (to[i] == '$' && next == '$') {
      out += '$';
      ++i;
    } else if (to[i] == '$' && next == '&') {
      out.append(groups[0].data(), groups[0].size());
      ++i;
    } else if (to[i] == '$' && next >= '1' && next <= '9' && next - '0' <= group_count) {
      const auto& group = groups[next - '0'];
      if (group.data() != nullptr) out.append(group.data(), group.size());
      ++i;
    } else {
      out += to[i];
    }
  }
  return out;
}

RewriteRule parse_rule(const std::string& text) {
  const auto arrow = text.find("=>");
  if (arrow == std::string::npos)
    throw std::invalid_argument("rewrite \"" + text +
                                "\" has no \"=>\": write FROM => TO or ~REGEX => TO");
  RewriteRule rule;
  rule.text = text;
  std::string from = trim(text.substr(0, arrow));
  rule.to = trim(text.substr(arrow + 2));
  if (!from.empty() && from.front() == '~') {
    rule.regex = true;
    rule.from = from.substr(1);
    if (rule.from.empty())
      throw std::invalid_argument("rewrite \"" + text + "\" has an empty regex");
    auto pattern = compile_regex(rule.from);
    if (!pattern)
      throw std::invalid_argument("rewrite \"" + text + "\": not a valid regular expression (" +
                                  pattern.error().message + ")");
    rule.pattern = std::move(pattern).value();
    const int groups = rule.pattern->NumberOfCapturingGroups();
    if (const int wanted = highest_group(rule.to); wanted > groups)
      throw std::invalid_argument("rewrite \"" + text + "\": TO uses $" + std::to_string(wanted) +
                                  " but the regex has " +
                                  counted(static_cast<std::uint64_t>(groups), "capture group"));
    return rule;
  }
  rule.windows = is_windows_path(from);
  rule.from = normalise(with_forward_slashes(from));
  if (rule.from.empty() || (!rule.windows && rule.from.front() != '/'))
    throw std::invalid_argument("rewrite \"" + text +
                                "\": FROM must be an absolute path (or a Windows path such as "
                                "C:\\TV), or ~REGEX for a regex rule");
  // An empty TO strips FROM: "/mnt/remote =>" maps /mnt/remote/tv to /tv (rclone's VFS root).
  if (rule.to.empty()) rule.to = "/";
  // A media server on Windows: "/tv => T:\tv" or "/movies => \\nas\media\movies".
  if (is_windows_path(rule.to)) {
    auto to = check_target_path(rule.to);
    if (!to) throw std::invalid_argument("rewrite \"" + text + "\": TO: " + to.error().message);
    rule.to = std::move(to).value();
    return rule;
  }
  if (rule.to.front() != '/')
    throw std::invalid_argument("rewrite \"" + text +
                                "\": TO must be an absolute path, or a Windows path such as "
                                "T:\\tv or \\\\nas\\media");
  rule.to = normalise(rule.to);
  return rule;
}

std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> compile_all(
    const std::vector<std::string>& texts, const char* key) {
  std::vector<std::pair<std::string, std::shared_ptr<const re2::RE2>>> compiled;
  for (const auto& text : texts) {
    auto pattern = compile_regex(text);
    if (!pattern)
      throw std::invalid_argument(std::string(key) + " \"" + text +
                                  "\": not a valid regular expression (" + pattern.error().message +
                                  ")");
    compiled.emplace_back(text, std::move(pattern).value());
  }
  return compiled;
}

}  // namespace

bool is_windows_path(const std::string& path) {
  if (path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
      (path[2] == '\\' || path[2] == '/'))
    return true;
  return path.size() >= 2 && path[0] == '\\' && path[1] == '\\';
}

std::string quoted_excerpt(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return "\"" + utf8_text(text) + "\"";
  return "\"" + utf8_text(text.substr(0, max_bytes)) + "...\" (" + std::to_string(text.size()) +
         " bytes)";
}

Expected<std::shared_ptr<const re2::RE2>> compile_regex(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);  // the error goes into the config check's message instead
  auto compiled = std::make_shared<const re2::RE2>(pattern, options);
  if (compiled->ok()) return std::shared_ptr<const re2::RE2>(std::move(compiled));
  return failure(compiled->error());
}

Expected<std::string> check_path(const std::string& path) {
  if (path.empty()) return failure("the path is empty");
  if (path.size() > kMaxPathBytes)
    return failure("the path is " + std::to_string(path.size()) +
                   " bytes long, over the limit of " + std::to_string(kMaxPathBytes) +
                   " bytes (PATH_MAX)");
  for (std::size_t start = 0; start < path.size();) {
    const std::size_t end = std::min(path.find_first_of("/\\", start), path.size());
    if (end - start > kMaxComponentBytes)
      return failure("a path component is " + std::to_string(end - start) +
                     " bytes long, over the limit of " + std::to_string(kMaxComponentBytes) +
                     " bytes (NAME_MAX)");
    start = end + 1;
  }
  if (path.find('\0') != std::string::npos) return failure("the path contains a NUL byte");
  // A newline or another control character would forge lines in the log and
  // in line-based receivers (a command target's stdin); no media name has one.
  if (const auto control =
          std::find_if(path.begin(), path.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; });
      control != path.end()) {
    static const char kHex[] = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(*control);
    return failure(std::string("the path contains a control character (byte 0x") + kHex[byte >> 4] +
                   kHex[byte & 0xF] + ")");
  }
  // Plex's URLs and Jellyfin's and Emby's JSON carry UTF-8 only, and so do scanhook's answers.
  if (!is_utf8(path)) return failure("the path is not valid UTF-8");
  if (is_windows_path(path))
    return failure(
        "the path is not absolute: it is a Windows path; add a rewrite rule for its drive "
        "such as \"" +
        path.substr(0, 2) + "\\ => /mnt/...\" to the source");
  if (path.front() != '/') return failure("the path is not absolute (it must start with /)");
  if (has_dot_dot(path)) return failure("the path has a \"..\" segment");
  return normalise(path);
}

Expected<std::string> check_target_path(const std::string& path) {
  if (!is_windows_path(path)) return check_path(path);
  if (path.find('\0') != std::string::npos) return failure("the path contains a NUL byte");
  if (!is_utf8(path)) return failure("the path is not valid UTF-8");
  const bool unc = path[0] == '\\';
  // After the drive ("T:") it is absolute ("/tv/Show"); after a UNC path's "\\" relative.
  const std::string rest = normalise(with_forward_slashes(path.substr(2)));
  if (has_dot_dot(rest)) return failure("the path has a \"..\" segment");
  if (unc && (rest.empty() || rest.front() == '/' || rest.find('/') == std::string::npos))
    return failure("a UNC path must name a server and a share (\\\\server\\share)");
  std::string out = unc ? "\\\\" : path.substr(0, 2);
  for (const char c : rest) out += c == '/' ? '\\' : c;
  return out;
}

std::string parent_folder(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

PathRules::PathRules(const std::vector<std::string>& rewrites,
                     const std::vector<std::string>& includes,
                     const std::vector<std::string>& excludes)
    : includes_(compile_all(includes, "include")), excludes_(compile_all(excludes, "exclude")) {
  for (const auto& text : rewrites) rewrites_.push_back(parse_rule(text));
}

Expected<void> PathRules::check_rule(const std::string& text) {
  try {
    parse_rule(text);
    return {};
  } catch (const std::invalid_argument& error) {
    return failure(error.what());
  }
}

Rewritten PathRules::rewrite(const std::string& path) const {
  const bool windows = is_windows_path(path);
  // NUL, ".." and over-long paths are refused whatever a rule would make of them.
  if (path.find('\0') != std::string::npos || path.size() > kMaxPathBytes) return {path, ""};
  const std::string input = windows ? normalise(with_forward_slashes(path)) : normalise(path);
  if (has_dot_dot(input)) return {path, ""};
  for (const auto& rule : rewrites_) {
    if (rule.regex) {
      // Groups 1..9 are all TO can name (parse_rule checked it names no more than exist).
      const int group_count = std::min(rule.pattern->NumberOfCapturingGroups(), 9);
      re2::StringPiece groups[10];
      if (!rule.pattern->Match(input, 0, input.size(), re2::RE2::UNANCHORED, groups,
                               group_count + 1))
        continue;
      const std::size_t begin = static_cast<std::size_t>(groups[0].data() - input.data());
      return {input.substr(0, begin) + expand(rule.to, groups, group_count) +
                  input.substr(begin + groups[0].size()),
              rule.text};
    }
    const bool starts = rule.windows ? iequals_prefix(input, rule.from)
                                     : input.compare(0, rule.from.size(), rule.from) == 0;
    if (!starts) continue;
    if (input.size() != rule.from.size() && input[rule.from.size()] != '/' && rule.from != "/")
      continue;
    std::string rest = input.substr(rule.from.size());
    if (rule.from == "/") rest = input;
    if (is_windows_path(rule.to)) {
      // A bad result stays as made, so the door refuses it.
      auto target = check_target_path(rule.to + rest);
      return {target ? std::move(target).value() : rule.to + rest, rule.text};
    }
    return {normalise(rule.to + rest), rule.text};
  }
  // An unmapped Windows path stays as received, so the door refuses it.
  return {path, ""};
}

FilterVerdict PathRules::filter(const std::string& path) const {
  for (const auto& [text, pattern] : excludes_)
    if (re2::RE2::PartialMatch(path, *pattern)) return {false, "excluded by exclude = " + text};
  if (includes_.empty()) return {};
  for (const auto& [text, pattern] : includes_)
    if (re2::RE2::PartialMatch(path, *pattern)) return {};
  std::string all;
  for (const auto& include : includes_) all += (all.empty() ? "" : ", ") + include.first;
  return {false, "matches no include (" + all + ")"};
}

}  // namespace scanhook::core
