#include "command_line.hpp"

#include <stdexcept>

namespace scanhook::command {

std::vector<std::string> split_command(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < text.size() &&
                 (text[i + 1] == '"' || text[i + 1] == '\\')) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 == text.size()) throw std::invalid_argument("it ends in a lone backslash");
      word += text[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0)
    throw std::invalid_argument(std::string("a ") + (quote == '"' ? "double" : "single") +
                                " quote is not closed");
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) throw std::invalid_argument("it names no program");
  return words;
}

std::string show_command(const std::vector<std::string>& argv) {
  std::string shown;
  for (const auto& word : argv) {
    if (!shown.empty()) shown += ' ';
    const bool plain = !word.empty() && word.find_first_of(" \t'\"\\") == std::string::npos;
    if (plain) {
      shown += word;
      continue;
    }
    shown += '\'';
    for (char c : word) shown += c == '\'' ? std::string("'\\''") : std::string(1, c);
    shown += '\'';
  }
  return shown;
}

}  // namespace scanhook::command
