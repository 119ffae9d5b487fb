// The `command` plugin: a target that runs a program for each batch of folders.
#include <memory>
#include <stdexcept>
#include <string>

#include "command_line.hpp"
#include "command_target.hpp"
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

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::command::CommandSettings settings;
  try {
    settings.argv = scanhook::command::split_command(config.string("command"));
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("command: " + std::string(error.what()));
  }
  const std::string folders = config.string("folders");
  if (folders == "arguments")
    settings.folders = scanhook::command::FolderPassing::arguments;
  else if (folders == "stdin")
    settings.folders = scanhook::command::FolderPassing::stdin_lines;
  else
    throw std::runtime_error("folders must be arguments or stdin, not \"" + folders + "\"");
  settings.timeout = config.duration("timeout");
  if (settings.timeout < std::chrono::seconds(1))
    throw std::runtime_error("timeout must be at least 1s");
  const auto batch = config.integer("max_batch");
  if (batch < 1 || batch > 1000)
    throw std::runtime_error("max_batch must be between 1 and 1000, not " + std::to_string(batch));
  settings.max_batch = static_cast<std::size_t>(batch);
  settings.exclusive = config.boolean("exclusive");
  return std::make_unique<scanhook::command::CommandTarget>(args.instance, std::move(settings));
}

}  // namespace

SCANHOOK_PLUGIN("command", "1.0.0",
                "Runs a program (no shell) for each batch of folders: exit 0 ok, 75 retry", kTarget,
                kConfigKeys, make)
