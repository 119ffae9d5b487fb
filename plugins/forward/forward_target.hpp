// The `forward` target (autoscan's autoscan target, autopulse's autopulse
// target): hands folders to another scanhook, `POST /api/scan
// {"paths":[...]}`, or to any autoscan-compatible manual trigger, `POST
// /triggers/manual?dir=...&dir=...` (autoscan's triggers/manual/manual.go:
// 200 with an empty body, 400 without a dir, 401 without credentials), so an
// instance on a seedbox can feed the one beside the media server. Answers
// are read as every target reads its server's (server_answer.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/support/server_api.hpp"
#include "scanhook/target.hpp"

namespace scanhook::forward {

enum class Receiver {
  scanhook,  // POST /api/scan, a JSON body
  autoscan,  // POST /triggers/manual, the folders in the query
};

class ForwardTarget final : public TargetBase {
 public:
  // The longest query of one manual-trigger request (scanhook's and Go's
  // servers take far longer request lines; proxies often stop at 8 KiB).
  static constexpr std::size_t kMostQueryBytes = 6000;

  ForwardTarget(std::shared_ptr<const support::ServerApi> api, Receiver receiver,
                std::size_t max_batch);

  Stage stage() const noexcept override { return Stage::scan; }
  std::size_t max_batch() const noexcept override { return max_batch_; }

 protected:
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  // scanhook: GET /api/targets (the credentials are checked); autoscan: GET
  // /triggers/manual (its form).
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;

 private:
  // One request for `folders`; its verdict applies to each. `status`: the HTTP status (0: none).
  Result send(const std::vector<ScanFolder>& folders, int& status) const;
  // Sends `folders`, split in halves while the receiver refuses the request
  // (413, or a rejection that may be one path's); appends one result each.
  void deliver(const std::vector<ScanFolder>& folders, std::vector<Result>& results) const;
  PlannedRequest request_for(const std::vector<ScanFolder>& folders) const;
  std::string route_for(const std::vector<ScanFolder>& folders) const;
  // The folders split into requests the receiver takes.
  std::vector<std::vector<ScanFolder>> requests_of(const std::vector<ScanFolder>& folders) const;

  std::shared_ptr<const support::ServerApi> api_;
  Receiver receiver_;
  std::size_t max_batch_;
};

}  // namespace scanhook::forward
