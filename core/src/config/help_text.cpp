#include "scanhook/core/config/help_text.hpp"

#include <Poco/Util/Option.h>

#include <cctype>
#include <sstream>

namespace scanhook::core {

namespace {

// Where a list entry's text starts; a longer term gets a line of its own.
constexpr std::size_t kTextColumn = 26;

std::string list(const std::string& title, const std::vector<HelpEntry>& entries) {
  std::string text = title + ":\n";
  for (const auto& entry : entries) {
    std::string line = "  " + entry.term;
    if (line.size() + 1 >= kTextColumn) {
      text += line + "\n";
      line.clear();
    }
    line.resize(kTextColumn, ' ');
    text += line + wrapped(entry.text, kTextColumn, kTextColumn) + "\n";
  }
  return text;
}

}  // namespace

std::string wrapped(const std::string& text, std::size_t indent, std::size_t first_column,
                    std::size_t width) {
  std::istringstream words(text);
  std::string out;
  std::size_t column = first_column;
  bool line_empty = true;
  for (std::string word; words >> word;) {
    if (!line_empty && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out;
}

std::vector<HelpEntry> option_entries(const Poco::Util::OptionSet& options) {
  std::vector<HelpEntry> entries;
  for (const auto& option : options) {
    std::string term;
    // Placeholders in capitals, as ours are (Poco's own read "mask", "path").
    std::string argument = option.takesArgument() ? option.argumentName() : "";
    for (auto& c : argument) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!option.shortName().empty())
      term = "-" + option.shortName() + (argument.empty() ? "" : " " + argument) + ", ";
    term += "--" + option.fullName() + (argument.empty() ? "" : "=" + argument);
    entries.push_back({term, option.description()});
  }
  return entries;
}

std::string help_text(const std::string& program, const std::vector<HelpEntry>& commands,
                      const std::vector<HelpEntry>& options,
                      const std::vector<HelpEntry>& exit_codes) {
  const std::string usage = "usage: " + program + " ";
  return usage +
         wrapped("[OPTIONS] [plugins | db check | doctor [PATH ...] | PLUGIN-COMMAND ...]",
                 usage.size(), usage.size()) +
         "\n\n" +
         wrapped(
             "scanhook relays \"files changed\" signals from media tools to partial library "
             "scans on media servers, through a durable queue.",
             0, 0) +
         "\n\n" + list("Commands", commands) + "\n" + list("Options", options) + "\n" +
         list("Exit codes", exit_codes);
}

}  // namespace scanhook::core
