// scanhookd's command line in two parts: what Poco's option parser reads, and
// the words after a command that is not built in (a plugin's, SDK 1.2), which
// only that command reads, its own options included.
#pragma once

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

}  // namespace scanhook::core
