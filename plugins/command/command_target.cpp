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

Result CommandTarget::run(const std::vector<ScanFolder>& folders) const {
  std::unique_lock<std::mutex> turn(exclusive_turn(), std::defer_lock);
  if (settings_.exclusive) turn.lock();
  const RunOutcome outcome = run_program(argv_for(folders), input_for(folders), settings_.timeout);
  if (turn.owns_lock()) turn.unlock();

  const std::string program = settings_.argv[0];
  const std::string said = outcome.last_error_line.empty() ? "" : ": " + outcome.last_error_line;
  switch (outcome.end) {
    case RunOutcome::End::not_started: return Result::unavailable(outcome.error);
    case RunOutcome::End::lost:
      return Result::retry("cannot tell how " + program + " ended (" + outcome.error + ")");
    case RunOutcome::End::timed_out:
      return Result::retry(program + " did not finish within " + seconds_text(settings_.timeout) +
                           " (timeout): stopped" + said);
    case RunOutcome::End::signalled:
      return Result::retry(program + " was killed by signal " + std::to_string(outcome.signal) +
                           " (" + ::strsignal(outcome.signal) + ")" + said);
    case RunOutcome::End::exited:
      if (outcome.exit_code == 0) return Result::ok();
      if (outcome.exit_code == kExitRetry)
        return Result::retry(program + " asked to retry (exit 75)" + said);
      return Result::rejected(outcome.last_error_line.empty()
                                  ? program + " failed with exit code " +
                                        std::to_string(outcome.exit_code) +
                                        " and wrote nothing to stderr"
                                  : outcome.last_error_line + " (" + program + ", exit code " +
                                        std::to_string(outcome.exit_code) + ")");
  }
  return Result::retry("cannot tell how " + program + " ended");
}

void CommandTarget::deliver(const std::vector<ScanFolder>& folders,
                            std::vector<Result>& results) const {
  const Result verdict = run(folders);
  // A refusal may be one folder's: halving finds it in a few runs, and the
  // other folders are scanned instead of rejected with its reason.
  if (folders.size() > 1 && verdict.status == Status::rejected) {
    const auto middle = folders.begin() + static_cast<std::ptrdiff_t>(folders.size() / 2);
    deliver({folders.begin(), middle}, results);
    deliver({middle, folders.end()}, results);
    return;
  }
  results.insert(results.end(), folders.size(), verdict);
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

  std::vector<Result> verdicts;
  deliver(runnable, verdicts);
  for (std::size_t i = 0; i < positions.size(); ++i) results[positions[i]] = verdicts[i];
  return results;
}

Result CommandTarget::on_probe() {
  const ProgramLookup found = find_program(settings_.argv[0]);
  if (!found)
    return Result::unavailable("cannot run " + settings_.argv[0] + ": " + found.refusal +
                               " (check `command` in [target." + instance_ + "])");
  return Result::ok("runs " + show_command(settings_.argv) + " (" + found.path +
                    " is an executable file; not run to check)");
}

Explanation CommandTarget::on_explain(const ScanFolder& folder) {
  return {on_probe(), "", {{"RUN", show_command(argv_for({folder})), input_for({folder})}}};
}

}  // namespace scanhook::command
