// The smallest useful plugin: a target that accepts every folder.
#include <memory>

#include "scanhook/scanhook.hpp"

namespace {

class HelloTarget final : public scanhook::TargetBase {
 public:
  scanhook::Stage stage() const noexcept override { return scanhook::Stage::scan; }
  std::size_t max_batch() const noexcept override { return 10; }

 protected:
  std::vector<scanhook::Result> on_scan(const std::vector<scanhook::ScanFolder>& folders) override {
    return std::vector<scanhook::Result>(folders.size(), scanhook::Result::ok());
  }
  scanhook::Result on_probe() override { return scanhook::Result::ok(); }
  scanhook::Explanation on_explain(const scanhook::ScanFolder&) override {
    return {scanhook::Result::ok(), "hello", {}};
  }
};

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs&) {
  return std::make_unique<HelloTarget>();
}

}  // namespace

SCANHOOK_PLUGIN("hello", "2.3.4", "Says hello to every folder", scanhook::kTarget,
                scanhook::kNoConfigKeys, make)
