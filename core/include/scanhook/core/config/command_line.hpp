// scanhookd's command line in two parts: what Poco's option parser reads, and
// the words after a command that is not built in (a plugin's, SDK 1.2), which
// only that command reads, its own options included.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scanhook::core {

struct CommandLine {
  std::vector<std::string> daemon;        // argv[0], the options, the command word
  std::vector<std::string> plugin_words;  // after a plugin command's word, in order
};

// The built-in commands (plugins, db, doctor) keep every word for the daemon.
// After a plugin command, --config FILE (-c FILE, --config=FILE) still goes to
// the daemon; every other word is the command's.
CommandLine split_command_line(const std::vector<std::string>& args);

// What is wrong with the value of a daemon option as Poco's parser gave it
// (`option` is the full name, "umask"), or nothing: an empty FILE for
// --config or --pidfile, a --umask that is not an octal mask from 0 to 0777.
// A usage error (exit 64): Poco would otherwise refuse it only later, as a
// configuration error, or not at all (an empty --config read the built-in file).
std::optional<std::string> option_value_problem(const std::string& option,
                                                const std::string& value);

// What is wrong with a built-in command's words, or nothing: `plugins` takes
// none, `db` only `check`; --check-config runs no command. A usage error.
std::optional<std::string> command_usage_problem(const std::string& command,
                                                 const std::vector<std::string>& words,
                                                 bool check_config);

}  // namespace scanhook::core
