// Runs one program to its end without a shell: argv as given, `input` on its
// stdin, a time limit after which its process group is stopped (SIGTERM,
// then SIGKILL), and the tail of what it wrote to stderr.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace scanhook::command {

struct RunOutcome {
  enum class End { exited, signalled, timed_out, not_started, lost };
  End end = End::not_started;
  int exit_code = -1;           // End::exited
  int signal = 0;               // End::signalled
  std::string error;            // End::not_started: why (the program is missing, ...)
  std::string last_error_line;  // the last non-empty line it wrote to stderr
};

// `argv[0]` is looked up in PATH when it has no slash. The program gets its
// own process group, so a timeout also stops what it started.
RunOutcome run_program(const std::vector<std::string>& argv, const std::string& input,
                       std::chrono::milliseconds timeout);

// Where argv[0] would be run from, or why it cannot be run.
struct ProgramLookup {
  std::string path;     // "" when there is no executable file to run
  std::string refusal;  // then: why, naming what was looked at
  explicit operator bool() const { return !path.empty(); }
};

// `name` itself when it holds a slash, else the first executable file of that
// name in PATH's folders (as posix_spawnp looks). A folder or a file without
// execute permission for this process is no program.
ProgramLookup find_program(const std::string& name);

}  // namespace scanhook::command
