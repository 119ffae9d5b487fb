// Which queued folder row holds a path: an in-memory hash table from a hash
// of the path to the folders' row ids, rebuilt from the table at start.
//
// Why not SQLite's own UNIQUE(path) index: the queue's paths arrive in no
// order, so each new folder inserted into that index dirtied a page at a
// random place in it, one more page for the WAL, the checkpoint and the fsync
// per request, which cost the durable ingest a third of its throughput. The
// rows themselves are appended in id order. The index holds no data of its
// own: a hash names candidate rows, and the caller checks each row's path.
//
// Changes follow the writer's transactions (Database::TransactionWatcher):
// those made since the last commit are undone if the transaction rolls back.
// Not thread-safe: it is used only inside Database::write, which serialises.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "scanhook/core/store/database.hpp"

namespace scanhook::core {

class FolderIndex : public Database::TransactionWatcher {
 public:
  static std::uint64_t hash(std::string_view path);

  // The first row id filed under `hash` for which `holds_path(id)` is true.
  template <class HoldsPath>
  std::optional<std::int64_t> find(std::uint64_t hash, HoldsPath&& holds_path) const {
    if (slots_.empty()) return std::nullopt;
    for (std::size_t i = home(hash); slots_[i].id != kEmpty; i = next(i))
      if (slots_[i].hash == hash && holds_path(slots_[i].id)) return slots_[i].id;
    return std::nullopt;
  }

  // Files row `id` (never 0: SQLite numbers rows from 1) under `hash`.
  void add(std::uint64_t hash, std::int64_t id);
  // Takes row `id` out from under `hash`; nothing happens if it is not there.
  void remove(std::uint64_t hash, std::int64_t id);

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }

  void committed() override;    // keeps the changes since the last commit
  void rolled_back() override;  // undoes them

 private:
  static constexpr std::int64_t kEmpty = 0;
  static constexpr std::size_t kSmallest = 1024;  // slots
  struct Slot {
    std::uint64_t hash = 0;
    std::int64_t id = kEmpty;
  };
  struct Change {
    bool added;
    Slot entry;
  };

  std::size_t home(std::uint64_t hash) const { return hash & (slots_.size() - 1); }
  std::size_t next(std::size_t slot) const { return (slot + 1) & (slots_.size() - 1); }
  void insert(Slot entry);
  bool erase(Slot entry);
  void resize(std::size_t slots);  // a power of two, room for every entry

  std::vector<Slot> slots_;  // open addressing, linear probing; size a power of two
  std::size_t size_ = 0;
  std::vector<Change> uncommitted_;
};

}  // namespace scanhook::core
