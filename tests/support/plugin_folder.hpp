// A daemon's plugin folder for a test: copies of the built plugins it names
// (and the test-only `recorder`), so the daemon loads only those.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace scanhook::testing {

// Creates <folder> and copies <name>.so of each built plugin into it;
// "recorder" is taken from the test plugins.
void fill_plugin_folder(const std::filesystem::path& folder,
                        const std::vector<std::string>& plugins);

// The lines of a `recorder` target's record file (the folders it was sent,
// in order); none when the file does not exist yet.
std::vector<std::string> recorded_folders(const std::filesystem::path& record);

}  // namespace scanhook::testing
