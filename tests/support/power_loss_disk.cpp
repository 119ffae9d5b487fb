#include "support/power_loss_disk.hpp"

namespace scanhook::testing {

namespace fs = std::filesystem;

PowerLossDisk::PowerLossDisk(const fs::path& root) {
  fs::create_directories(root / "disk");
  fs::create_directories(root / "shadow");
  folder_ = fs::canonical(root / "disk");  // the shim compares it with /proc/self/fd's links
  shadow_ = fs::canonical(root / "shadow");
}

std::vector<std::string> PowerLossDisk::environment(std::chrono::microseconds sync_delay) const {
  return {std::string("LD_PRELOAD=") + SCANHOOK_POWER_LOSS_PRELOAD,
          "SCANHOOK_POWER_LOSS_DIR=" + folder_.string(),
          "SCANHOOK_POWER_LOSS_SHADOW=" + shadow_.string(),
          "SCANHOOK_POWER_LOSS_SYNC_DELAY_US=" + std::to_string(sync_delay.count())};
}

void PowerLossDisk::cut() const {
  for (const auto& entry : fs::directory_iterator(folder_))
    if (!fs::exists(shadow_ / entry.path().filename())) fs::remove(entry.path());
  for (const auto& entry : fs::directory_iterator(shadow_))
    fs::copy_file(entry.path(), folder_ / entry.path().filename(),
                  fs::copy_options::overwrite_existing);
}

}  // namespace scanhook::testing
