#include "scanhook/core/config/command_line.hpp"

#include <algorithm>

namespace scanhook::core {

namespace {

// The daemon's options that take the next word as their value.
bool takes_value(const std::string& word) {
  return word == "--config" || word == "-c" || word == "--pidfile" || word == "--umask";
}

bool is_built_in(const std::string& command) {
  return command == "plugins" || command == "db" || command == "doctor";
}

}  // namespace

CommandLine split_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& word = args[i];
    line.daemon.push_back(word);
    if (i == 0) continue;
    if (!word.empty() && word[0] == '-') {
      if (takes_value(word) && i + 1 < args.size()) line.daemon.push_back(args[++i]);
      continue;
    }
    if (!is_built_in(word)) break;
    // A built-in command: the rest is the daemon's, as before.
    line.daemon.insert(line.daemon.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                       args.end());
    return line;
  }
  for (++i; i < args.size(); ++i) {
    const std::string& word = args[i];
    if ((word == "--config" || word == "-c") && i + 1 < args.size()) {
      line.daemon.push_back(word);
      line.daemon.push_back(args[++i]);
    } else if (word.rfind("--config=", 0) == 0) {
      line.daemon.push_back(word);
    } else {
      line.plugin_words.push_back(word);
    }
  }
  return line;
}

std::optional<std::string> option_value_problem(const std::string& option,
                                                const std::string& value) {
  if ((option == "config" || option == "pidfile") && value.empty())
    return "--" + option + " needs a file name";
  if (option == "umask") {
    const bool octal = !value.empty() && value.size() <= 4 &&
                       value.find_first_not_of("01234567") == std::string::npos;
    if (!octal || std::stoi(value, nullptr, 8) > 0777)
      return "--umask takes an octal mask from 0 to 0777, such as 027, not \"" + value + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> command_usage_problem(const std::string& command,
                                                 const std::vector<std::string>& words,
                                                 bool check_config) {
  if (check_config && !command.empty())
    return "--check-config runs no command, and \"" + command + "\" was given: drop one of the two";
  if (command == "plugins" && !words.empty())
    return "plugins takes no words, and \"" + words.front() +
           "\" was given (usage: scanhookd plugins [--config FILE])";
  if (command == "db" && words != std::vector<std::string>{"check"})
    return "usage: scanhookd db check [--config FILE]";
  return std::nullopt;
}

}  // namespace scanhook::core
