// A target's `require_exists`: a folder is delivered to it only once it
// exists on this machine (autopulse's check_path), at the place
// `local_rewrite` maps it to, and so do the files its file events named,
// with the sha256 a caller gave (expected_files.hpp). Until then the folder
// is retried with the queue's backoff; `exists_timeout` after its first
// event it is rejected with what is missing.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/expected_files.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/result.hpp"

namespace scanhook::core {

class PresenceCheck {
 public:
  // Throws std::invalid_argument naming a bad `local_rewrite` rule.
  // `target`: the target's name, whose expected files these are; `files`:
  // null to check only the folder (scanhookd doctor, no queue).
  PresenceCheck(std::string target, const std::vector<std::string>& local_rewrite,
                std::chrono::milliseconds timeout, std::shared_ptr<ExpectedFiles> files,
                std::shared_ptr<FileDigests> digests);

  // Where `path` (a folder or file as queued) is on this machine.
  std::string local_path(const std::string& path) const;
  // nullopt when the folder and its expected files are there; else a retry
  // while they may still come (`first_event` + timeout is after `now`), or
  // the rejection, each saying what is missing.
  std::optional<Result> verdict(const std::string& folder, Millis first_event, Millis now) const;
  // What is missing now ("the file /x/a.mkv does not exist"), if anything (explain shows it).
  std::optional<std::string> missing(const std::string& folder, Millis now) const;
  // The folder, picked at `picked_at`, was delivered or rejected: its files
  // named until then are not checked again (ExpectedFiles::delivered).
  void delivered(const std::string& folder, Millis picked_at) const {
    if (files_) files_->delivered(folder, target_, picked_at);
  }

 private:
  std::string target_;
  PathRules local_rules_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<ExpectedFiles> files_;
  std::shared_ptr<FileDigests> digests_;
};

}  // namespace scanhook::core
