// The `command` plugin: a target that runs a program for each batch of folders.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "command_target.hpp"
#include "program_run.hpp"
#include "scanhook/scanhook.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
using scanhook::kTarget;

constexpr ConfigKey kConfigKeys[] = {
    {"command", ConfigType::string, nullptr, kTarget, true,
     "the program and its first arguments, split like a shell's words but run without a shell"},
    {"folders", ConfigType::string, "arguments", kTarget, false,
     "how the folders are given: arguments (after the command's own) or stdin (one per line)"},
    {"timeout", ConfigType::duration, "60s", kTarget, false,
     "time one run may take before it is stopped and retried"},
    {"max_batch", ConfigType::integer, "50", kTarget, false, "most folders given to one run"},
    {"exclusive", ConfigType::boolean, "true", kTarget, false,
     "also wait for other command targets' runs: one program at a time in the daemon"},
};

constexpr scanhook::ConfigRange kConfigRanges[] = {
    {"timeout", 1000, std::numeric_limits<std::int64_t>::max()},  // ms: a program needs a second
    {"max_batch", 1, 1000},
};

// "arguments" or "stdin"; nullopt for anything else.
std::optional<scanhook::command::FolderPassing> folder_passing(const std::string& value) {
  if (value == "arguments") return scanhook::command::FolderPassing::arguments;
  if (value == "stdin") return scanhook::command::FolderPassing::stdin_lines;
  return std::nullopt;
}

// What the ranges cannot say; nothing is run.
void check(const scanhook::CheckArgs& args) {
  const auto& config = *args.config;
  std::vector<std::string> argv;
  try {
    argv = scanhook::command::split_command(config.string("command"));
  } catch (const std::invalid_argument& error) {
    throw scanhook::ConfigRefusal("command", error.what());
  }
  // Looked up as a run would, so a missing program fails the check, not the first delivery.
  if (const auto found = scanhook::command::find_program(argv.at(0)); !found)
    throw scanhook::ConfigRefusal("command", "cannot run " + argv[0] + ": " + found.refusal);
  const std::string folders = config.string("folders");
  if (!folder_passing(folders))
    throw scanhook::ConfigRefusal("folders", "must be arguments or stdin, not \"" + folders + "\"");
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::command::CommandSettings settings;
  settings.argv = scanhook::command::split_command(config.string("command"));
  settings.folders = folder_passing(config.string("folders")).value();
  settings.timeout = config.duration("timeout");
  settings.max_batch = static_cast<std::size_t>(config.integer("max_batch"));
  settings.exclusive = config.boolean("exclusive");
  return std::make_unique<scanhook::command::CommandTarget>(args.instance, std::move(settings));
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("command", "1.0.0",
                        "Runs a program (no shell) for each batch of folders: exit 0 ok, 75 retry",
                        kTarget, kConfigKeys, kConfigRanges, check, make)
