// The `command` target (autopulse's command target): runs a program for each
// batch of folders, without a shell. The folders go as arguments after the
// configured argv, or one per line on stdin. Exit 0: delivered; 75
// (EX_TEMPFAIL, sysexits.h): retry later; any other exit: rejected, with the
// program's last stderr line as the reason; killed or timed out: retry. A
// rejected batch of several folders is run again in halves, so only the
// folders the program refuses on their own are rejected.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "scanhook/target.hpp"

namespace scanhook::command {

// EX_TEMPFAIL in sysexits.h: "temporary failure, try again later".
inline constexpr int kExitRetry = 75;

enum class FolderPassing { arguments, stdin_lines };

struct CommandSettings {
  std::vector<std::string> argv;  // argv[0]: the program, looked up in PATH without a slash
  FolderPassing folders = FolderPassing::arguments;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::size_t max_batch = 50;
  // Also wait for the other `command` targets' runs (one program at a time
  // in the daemon); each target always runs one at a time.
  bool exclusive = true;
};

class CommandTarget final : public TargetBase {
 public:
  CommandTarget(std::string instance, CommandSettings settings);

  Stage stage() const noexcept override { return Stage::scan; }
  std::size_t max_batch() const noexcept override { return settings_.max_batch; }

 protected:
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  // The program can be run: it exists and is executable (ok says so; it is not run).
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;

 private:
  // One run of the program for `folders`; its verdict applies to each.
  Result run(const std::vector<ScanFolder>& folders) const;
  // Runs `folders`, split in halves while the program rejects them;
  // appends one result each, in order.
  void deliver(const std::vector<ScanFolder>& folders, std::vector<Result>& results) const;
  std::vector<std::string> argv_for(const std::vector<ScanFolder>& folders) const;
  std::string input_for(const std::vector<ScanFolder>& folders) const;

  std::string instance_;
  CommandSettings settings_;
};

}  // namespace scanhook::command
