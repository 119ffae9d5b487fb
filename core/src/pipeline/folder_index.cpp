#include "scanhook/core/pipeline/folder_index.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace scanhook::core {

std::uint64_t FolderIndex::hash(std::string_view path) {
  return std::hash<std::string_view>{}(path);
}

void FolderIndex::add(std::uint64_t hash, std::int64_t id) {
  insert({hash, id});
  uncommitted_.push_back({true, {hash, id}});
}

void FolderIndex::remove(std::uint64_t hash, std::int64_t id) {
  if (erase({hash, id})) uncommitted_.push_back({false, {hash, id}});
}

// Shrinking waits for a commit: within a transaction the table only grows
// (see rolled_back()). A quarter of the growth threshold leaves room to grow
// again before the next resize.
void FolderIndex::committed() {
  uncommitted_.clear();
  if (slots_.size() > kSmallest && size_ * 10 < slots_.size() * 7 / 4)
    resize(std::max(kSmallest, slots_.size() / 2));
}

// Undone newest first, the table goes back through the sizes it had, so the
// re-inserts never grow it (it shrinks only in committed()): nothing here
// allocates.
void FolderIndex::rolled_back() {
  for (auto change = uncommitted_.rbegin(); change != uncommitted_.rend(); ++change) {
    if (change->added)
      erase(change->entry);
    else
      insert(change->entry);
  }
  uncommitted_.clear();
}

void FolderIndex::insert(Slot entry) {
  if ((size_ + 1) * 10 > slots_.size() * 7)  // at most 70% full
    resize(slots_.empty() ? kSmallest : slots_.size() * 2);
  std::size_t i = home(entry.hash);
  while (slots_[i].id != kEmpty) i = next(i);
  slots_[i] = entry;
  ++size_;
}

// Backward-shift deletion: entries after the hole that may sit in it (their
// home is not between the hole and them) move up, so a lookup's run of
// occupied slots never has a gap.
bool FolderIndex::erase(Slot entry) {
  if (slots_.empty()) return false;
  std::size_t hole = home(entry.hash);
  for (;; hole = next(hole)) {
    if (slots_[hole].id == kEmpty) return false;
    if (slots_[hole].id == entry.id && slots_[hole].hash == entry.hash) break;
  }
  for (std::size_t j = next(hole); slots_[j].id != kEmpty; j = next(j)) {
    const std::size_t k = home(slots_[j].hash);
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    hole = j;
  }
  slots_[hole] = Slot{};
  --size_;
  return true;
}

void FolderIndex::resize(std::size_t slots) {
  const std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots));
  size_ = 0;
  for (const Slot& entry : old)
    if (entry.id != kEmpty) insert(entry);
}

}  // namespace scanhook::core
