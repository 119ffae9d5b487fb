#include "support/plugin_folder.hpp"

#include <fstream>

#include "support/plugin_harness.hpp"

namespace scanhook::testing {

void fill_plugin_folder(const std::filesystem::path& folder,
                        const std::vector<std::string>& plugins) {
  std::filesystem::create_directories(folder);
  for (const auto& name : plugins) {
    const auto built = name == "recorder"
                           ? std::filesystem::path(SCANHOOK_TEST_PLUGIN_DIR) / "recorder.so"
                           : plugin_file(name);
    std::filesystem::copy_file(built, folder / (name + ".so"),
                               std::filesystem::copy_options::overwrite_existing);
  }
}

std::vector<std::string> recorded_folders(const std::filesystem::path& record) {
  std::ifstream in(record);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace scanhook::testing
