// scanhookd --help as a reader's terminal shows it: every line within 80
// columns, a list entry's text wrapped under its own column (Poco's
// HelpFormatter broke lines after their first word and left a trailing space).
#pragma once

#include <Poco/Util/OptionSet.h>

#include <cstddef>
#include <string>
#include <vector>

namespace scanhook::core {

inline constexpr std::size_t kHelpWidth = 80;

// One entry of a list: a command, an option or an exit code, and what it does.
struct HelpEntry {
  std::string term;
  std::string text;
};

// `text` broken at spaces into lines of at most `width` columns (a word
// longer than a line stands alone), each line after the first starting with
// `indent` spaces; the first starts where the caller's text left off, at
// column `first_column`. No trailing spaces; ends without a newline.
std::string wrapped(const std::string& text, std::size_t indent, std::size_t first_column,
                    std::size_t width = kHelpWidth);

// The options as --help lists them: "-c FILE, --config=FILE", in `options`' order.
std::vector<HelpEntry> option_entries(const Poco::Util::OptionSet& options);

// The whole help: usage line, what scanhookd does, then "Commands:",
// "Options:" and "Exit codes:" lists, each entry's text in one column.
std::string help_text(const std::string& program, const std::vector<HelpEntry>& commands,
                      const std::vector<HelpEntry>& options,
                      const std::vector<HelpEntry>& exit_codes);

}  // namespace scanhook::core
