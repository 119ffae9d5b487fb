#include "command_target.hpp"

#include <signal.h>

#include <cstring>
#include <mutex>

#include "command_line.hpp"
#include "program_run.hpp"

namespace scanhook::command {

namespace {

// The daemon-wide turn of `exclusive` targets.
std::mutex& exclusive_turn() {
  static std::mutex turn;
  return turn;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

}  // namespace

CommandTarget::CommandTarget(std::string instance, CommandSettings settings)
    : instance_(std::move(instance)), settings_(std::move(settings)) {}

std::vector<std::string> CommandTarget::argv_for(const std::vector<ScanFolder>& folders) const {
  std::vector<std::string> argv = settings_.argv;
  if (settings_.folders == FolderPassing::arguments)
    for (const auto& folder : folders) argv.push_back(folder.path);
  return argv;
}

std::string CommandTarget::input_for(const std::vector<ScanFolder>& folders) const {
  std::string input;
  if (settings_.folders == FolderPassing::stdin_lines)
    for (const auto& folder : folders) input += folder.path + "\n";
  return input;
}

std::vector<Result> CommandTarget::on_scan(const std::vector<ScanFolder>& folders) {
  std::vector<Result> results(folders.size(), Result::ok());
  // A folder with a newline would be two lines on stdin: it cannot be given that way.
  std::vector<ScanFolder> runnable;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (settings_.folders == FolderPassing::stdin_lines &&
        folders[i].path.find('\n') != std::string::npos) {
      results[i] = Result::rejected(
          "the folder's name holds a line break: it cannot be one line on stdin (set folders = "
          "arguments)");
      continue;
    }
    runnable.push_back(folders[i]);
    positions.push_back(i);
  }
  if (runnable.empty()) return results;

  std::unique_lock<std::mutex> turn(exclusive_turn(), std::defer_lock);
  if (settings_.exclusive) turn.lock();
  const RunOutcome outcome =
      run_program(argv_for(runnable), input_for(runnable), settings_.timeout);
  if (turn.owns_lock()) turn.unlock();

  const std::string program = settings_.argv[0];
  const std::string said = outcome.last_error_line.empty() ? "" : ": " + outcome.last_error_line;
  Result verdict = Result::ok();
  switch (outcome.end) {
    case RunOutcome::End::not_started: verdict = Result::unavailable(outcome.error); break;
    case RunOutcome::End::lost:
      verdict = Result::retry("cannot tell how " + program + " ended (" + outcome.error + ")");
      break;
    case RunOutcome::End::timed_out:
      verdict = Result::retry(program + " did not finish within " +
                              seconds_text(settings_.timeout) + " (timeout): stopped" + said);
      break;
    case RunOutcome::End::signalled:
      verdict = Result::retry(program + " was killed by signal " + std::to_string(outcome.signal) +
                              " (" + ::strsignal(outcome.signal) + ")" + said);
      break;
    case RunOutcome::End::exited:
      if (outcome.exit_code == kExitRetry)
        verdict = Result::retry(program + " asked to retry (exit 75)" + said);
      else if (outcome.exit_code != 0)
        verdict = Result::rejected(outcome.last_error_line.empty()
                                       ? program + " failed with exit code " +
                                             std::to_string(outcome.exit_code) +
                                             " and wrote nothing to stderr"
                                       : outcome.last_error_line + " (" + program + ", exit code " +
                                             std::to_string(outcome.exit_code) + ")");
      break;
  }
  for (std::size_t position : positions) results[position] = verdict;
  return results;
}

Result CommandTarget::on_probe() {
  if (find_program(settings_.argv[0]).empty())
    return Result::unavailable("cannot run " + settings_.argv[0] +
                               ": no such executable file (check `command` in [target." +
                               instance_ + "])");
  return Result::ok();
}

Explanation CommandTarget::on_explain(const ScanFolder& folder) {
  return {on_probe(), "", {{"RUN", show_command(argv_for({folder})), input_for({folder})}}};
}

}  // namespace scanhook::command
