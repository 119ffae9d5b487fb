#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "support/plugin_harness.hpp"

namespace {

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  return output;
}

}  // namespace

TEST_CASE("every built plugin exports the descriptor symbol and nothing else", "[exports]") {
  const auto folder = scanhook::testing::plugin_file("log").parent_path();
  int plugins = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".so") continue;
    ++plugins;
    std::istringstream symbols(run("nm -D --defined-only '" + entry.path().string() + "'"));
    std::string address, type, name;
    std::vector<std::string> exported;
    while (symbols >> address >> type >> name) exported.push_back(name);
    INFO(entry.path().filename().string());
    CHECK(exported == std::vector<std::string>{"scanhook_plugin_v1"});
  }
  CHECK(plugins >= 1);
}
