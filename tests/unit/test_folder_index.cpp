#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "scanhook/core/pipeline/folder_index.hpp"

using scanhook::core::FolderIndex;

namespace {

// Every id filed under `hash`, found one by one: find() stops at the first
// id its predicate accepts, so each found one is excluded from the next try.
std::set<std::int64_t> ids_under(const FolderIndex& index, std::uint64_t hash) {
  std::set<std::int64_t> found;
  while (auto id =
             index.find(hash, [&](std::int64_t candidate) { return found.count(candidate) == 0; }))
    found.insert(*id);
  return found;
}

}  // namespace

TEST_CASE("the folder index finds each id filed under a hash, and no other", "[folder_index]") {
  FolderIndex index;
  CHECK_FALSE(index.find(7, [](std::int64_t) { return true; }));
  index.add(7, 1);
  index.add(7, 2);         // two paths with one hash
  index.add(7 + 1024, 3);  // another hash with the same home slot
  index.add(8, 4);
  CHECK(ids_under(index, 7) == std::set<std::int64_t>{1, 2});
  CHECK(ids_under(index, 7 + 1024) == std::set<std::int64_t>{3});
  CHECK(index.find(7, [](std::int64_t id) { return id == 2; }) == 2);
  CHECK_FALSE(index.find(9, [](std::int64_t) { return true; }));
  index.remove(7, 1);
  index.remove(7, 99);  // not there: nothing happens
  CHECK(ids_under(index, 7) == std::set<std::int64_t>{2});
  CHECK(ids_under(index, 7 + 1024) == std::set<std::int64_t>{3});
  CHECK(index.size() == 3);
}

TEST_CASE("the folder index agrees with a plain multimap through adds, removes and growth",
          "[folder_index]") {
  // Few distinct hashes, many of them sharing home slots, so that probe runs
  // are long and removals shift entries back across the table's end.
  std::mt19937_64 random(42);
  FolderIndex index;
  std::multimap<std::uint64_t, std::int64_t> model;
  std::int64_t next_id = 1;
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t hash = (random() % 64) * 1024 + 1000 + random() % 40;
    if (model.empty() || random() % 3 != 0) {
      index.add(hash, next_id);
      model.emplace(hash, next_id++);
    } else {
      auto victim = model.begin();
      std::advance(victim, static_cast<long>(random() % model.size()));
      index.remove(victim->first, victim->second);
      model.erase(victim);
    }
  }
  REQUIRE(index.size() == model.size());
  for (std::uint64_t hash = 1000; hash < 64 * 1024 + 1040; ++hash) {
    std::set<std::int64_t> expected;
    for (auto [it, end] = model.equal_range(hash); it != end; ++it) expected.insert(it->second);
    INFO("hash " << hash);
    REQUIRE(ids_under(index, hash) == expected);
  }
}

TEST_CASE(
    "a rolled-back transaction's changes to the folder index are undone, a committed one's "
    "kept",
    "[folder_index]") {
  FolderIndex index;
  index.add(1, 10);
  index.add(2, 20);
  index.committed();

  index.add(3, 30);
  index.remove(1, 10);
  for (std::int64_t id = 100; id < 3000; ++id) index.add(id, id);  // grows the table
  index.remove(2, 20);
  index.rolled_back();
  CHECK(index.size() == 2);
  CHECK(ids_under(index, 1) == std::set<std::int64_t>{10});
  CHECK(ids_under(index, 2) == std::set<std::int64_t>{20});
  CHECK(ids_under(index, 3).empty());
  CHECK(ids_under(index, 500).empty());

  index.add(3, 30);
  index.remove(1, 10);
  index.committed();
  index.rolled_back();  // nothing left to undo
  CHECK(ids_under(index, 1).empty());
  CHECK(ids_under(index, 3) == std::set<std::int64_t>{30});
}

TEST_CASE("the folder index gives its memory back as the queue drains, at commits only",
          "[folder_index]") {
  FolderIndex index;
  for (std::int64_t id = 1; id <= 10000; ++id) index.add(static_cast<std::uint64_t>(id) * 7, id);
  index.committed();
  const std::size_t full = index.capacity();
  CHECK(full >= 16384);
  for (std::int64_t id = 11; id <= 10000; ++id)
    index.remove(static_cast<std::uint64_t>(id) * 7, id);
  CHECK(index.capacity() == full);  // not within a transaction: a rollback re-inserts
  index.rolled_back();
  CHECK(index.size() == 10000);
  for (std::int64_t id = 11; id <= 10000; ++id)
    index.remove(static_cast<std::uint64_t>(id) * 7, id);
  for (int commit = 0; commit < 10; ++commit) index.committed();
  CHECK(index.capacity() == 1024);
  CHECK(index.size() == 10);
  for (std::int64_t id = 1; id <= 10; ++id)
    CHECK(ids_under(index, static_cast<std::uint64_t>(id) * 7) == std::set<std::int64_t>{id});
}
