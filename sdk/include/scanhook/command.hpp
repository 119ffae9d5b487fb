// Since SDK 1.2, optional: commands a plugin offers on scanhookd's command line
// (`scanhookd <command> WORD...`, listed by `scanhookd --help`). A plugin adds
// kCommands to its descriptor's kinds; its factory, asked for kCommands (with
// an empty config, the plugin's name as the instance name and a host that only
// logs), returns a CommandSet. A 1.0/1.1 plugin offers none.
#pragma once

#include <exception>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "scanhook/abi.hpp"
#include "scanhook/instance.hpp"

namespace scanhook {

struct CommandHelp {
  std::string name;      // the word after scanhookd, e.g. "plex-sources"
  std::string synopsis;  // the words it takes, e.g. "login | logout | list"
  std::string summary;   // one line for --help
};

// An instance the core made for a command, or why it could not.
struct OpenedInstance {
  std::shared_ptr<Instance> instance;  // null on failure; keeps its library loaded
  std::string error;                   // what went wrong, naming the section or file
  int exit_code = 0;                   // on failure: 78 a configuration error, 1 otherwise
};

// What the core offers a running command.
class CommandHost {
 public:
  // The configured instances of this plugin of `kind` (the NAME of each
  // [source|target|service.NAME] section), in the order of the INI file.
  virtual std::vector<std::string> instances(Kind kind) noexcept = 0;
  // Makes one of them as the daemon would: its section's validated config and
  // a Host on the daemon's database (so the command and the daemon share the
  // instance's stored keys). The instance is not started: nothing else runs.
  virtual OpenedInstance open(Kind kind, const std::string& instance) noexcept = 0;
  virtual std::ostream& out() noexcept = 0;
  virtual std::ostream& err() noexcept = 0;

 protected:
  ~CommandHost() = default;
};

class CommandSet : public Instance {
 public:
  virtual std::vector<CommandHelp> commands() const noexcept = 0;
  // Runs `command` (one of commands()) with the words typed after it, options
  // included. Returns the process's exit code: 0 done, 1 the action failed,
  // 64 a usage error, 78 a configuration error (sysexits.h).
  virtual int run(const std::string& command, const std::vector<std::string>& words,
                  CommandHost& host) noexcept = 0;
};

// Plugins derive from this: exceptions stay inside the plugin.
class CommandSetBase : public CommandSet {
 public:
  int run(const std::string& command, const std::vector<std::string>& words,
          CommandHost& host) noexcept final {
    try {
      return on_run(command, words, host);
    } catch (const std::exception& error) {
      host.err() << command << ": internal error: " << error.what() << "\n";
    } catch (...) {
      host.err() << command << ": internal error\n";
    }
    return 70;  // EX_SOFTWARE
  }

 protected:
  virtual int on_run(const std::string& command, const std::vector<std::string>& words,
                     CommandHost& host) = 0;
};

}  // namespace scanhook
