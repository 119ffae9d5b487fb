#include <catch2/catch.hpp>

#include <elf.h>
#include <link.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "scanhook/core/plugins/elf_layout.hpp"
#include "support/expected_printing.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::core::check_elf_layout;

namespace {

std::string read_whole(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sound_plugin() {
  return read_whole(std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "good.so");
}

}  // namespace

TEST_CASE("a plugin file cut short anywhere is refused as truncated, the whole one passes",
          "[loader]") {
  scanhook::testing::TempDir dir;
  const std::string whole = sound_plugin();
  REQUIRE(whole.size() > 10000);
  CHECK(check_elf_layout(dir.write("whole.so", whole)));
  for (const std::size_t size : {std::size_t{20}, sizeof(ElfW(Ehdr)) + 8, std::size_t{1000},
                                 std::size_t{5000}, whole.size() / 2, whole.size() - 1}) {
    INFO("cut at " << size << " of " << whole.size() << " bytes");
    const auto checked = check_elf_layout(dir.write("cut.so", whole.substr(0, size)));
    REQUIRE_FALSE(checked);
    CHECK_THAT(checked.error().message,
               Contains("truncated or damaged (") &&
                   Contains("the file has " + std::to_string(size) + " bytes)"));
  }
}

TEST_CASE("a loadable segment that claims bytes past the end of the file is refused", "[loader]") {
  scanhook::testing::TempDir dir;
  std::string damaged = sound_plugin();
  ElfW(Ehdr) header;
  std::memcpy(&header, damaged.data(), sizeof header);
  // Damaged without being shorter: the first PT_LOAD's file size grows past the end.
  for (std::size_t i = 0; i < header.e_phnum; ++i) {
    const std::size_t at = header.e_phoff + i * sizeof(ElfW(Phdr));
    ElfW(Phdr) segment;
    std::memcpy(&segment, damaged.data() + at, sizeof segment);
    if (segment.p_type != PT_LOAD) continue;
    segment.p_filesz = damaged.size() + 4096;
    std::memcpy(damaged.data() + at, &segment, sizeof segment);
    break;
  }
  const auto checked = check_elf_layout(dir.write("damaged.so", damaged));
  REQUIRE_FALSE(checked);
  CHECK_THAT(checked.error().message, Contains("its loadable segment #"));
}

TEST_CASE("a file that is not ELF of this class is left for dlopen to name", "[loader]") {
  CHECK(check_elf_layout(std::filesystem::path(SCANHOOK_FIXTURE_PLUGIN_DIR) / "not_elf.so"));
  const auto missing = check_elf_layout("/nonexistent/plugin.so");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot read the file: No such file or directory");
}
