// The queue's figures, in-process with the daemon's own Database and Queue:
//   ceiling  raw SQLite inserts with the daemon's durability settings (WAL,
//            synchronous = FULL, one fsync per commit), by batch size, next
//            to Queue::enqueue (the daemon's real per-event statements);
//   scale    1,000,000 queued folders: time to enqueue, RSS, and the time to
//            pick the next due batch at 1k, 10k, 100k and 1M rows, with the
//            query plan. It exits non-zero when a pick at 1M rows takes more
//            than 10x the pick at 1k (it must stay flat).
// Usage: queue_bench ceiling|scale [folder for the database files]
// See bench/README.md.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/queue.hpp"

namespace {

using namespace scanhook::core;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident set size now, from /proc/self/status (VmRSS), in MiB.
double rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string folder_path(std::size_t i) {
  return "/mnt/tv/Show " + std::to_string(i / 10) + " (2019)/Season " + std::to_string(i % 10);
}

void fresh(const std::filesystem::path& file) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
}

// Rows per second for `total` rows committed `batch` rows per transaction.
void ceiling(const std::filesystem::path& dir) {
  std::printf("%-10s %-34s %12s %12s %10s\n", "batch", "statement", "rows/s", "commits/s",
              "ms/commit");
  for (const std::size_t batch : {1, 16, 64, 256}) {
    const std::size_t total = batch == 1 ? 1000 : 20000;
    {
      const auto file = dir / "ceiling_raw.db";
      fresh(file);
      Database database(file);
      database.write([](SqlConnection& sql) {
        sql.execute("CREATE TABLE raw(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE)");
      });
      const auto start = Clock::now();
      for (std::size_t done = 0; done < total; done += batch)
        database.write([&](SqlConnection& sql) {
          auto& insert = sql.prepare("INSERT INTO raw(path) VALUES(?1)");
          for (std::size_t i = done; i < done + batch; ++i) {
            insert.reset();
            insert.bind(1, folder_path(i)).run();
          }
        });
      const double took = seconds_since(start);
      std::printf("%-10zu %-34s %12.0f %12.0f %10.3f\n", batch, "INSERT (one unique index)",
                  static_cast<double>(total) / took, static_cast<double>(total / batch) / took,
                  took * 1000 / static_cast<double>(total / batch));
    }
    {
      const auto file = dir / "ceiling_queue.db";
      fresh(file);
      Database database(file);
      Queue queue(database, std::chrono::minutes(10));
      const auto start = Clock::now();
      for (std::size_t done = 0; done < total; done += batch)
        database.write([&](SqlConnection& sql) {
          for (std::size_t i = done; i < done + batch; ++i)
            queue.enqueue(sql, {folder_path(i), scanhook::EventKind::created, 0, "bench", {"log"}},
                          1000);
        });
      const double took = seconds_since(start);
      std::printf("%-10zu %-34s %12.0f %12.0f %10.3f\n", batch, "Queue::enqueue (1 target)",
                  static_cast<double>(total) / took, static_cast<double>(total / batch) / took,
                  took * 1000 / static_cast<double>(total / batch));
    }
  }
}

// Median milliseconds of `runs` calls of queue.due().
double pick_ms(Queue& queue, Millis now, int runs, std::size_t* found) {
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    *found = queue.due("log", now, 50, {}).size();
    times.push_back(seconds_since(start) * 1000);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::string due_plan(Database& database) {
  return database.read([](SqlConnection& sql) {
    auto& plan = sql.prepare(
        "EXPLAIN QUERY PLAN SELECT d.folder_id FROM deliveries d JOIN folders f ON f.id = "
        "d.folder_id WHERE d.target = ?1 AND d.priority = ?4 AND d.due_at <= ?2 "
        "ORDER BY d.due_at LIMIT ?3");
    std::string text;
    while (plan.step()) text += "    " + plan.text(3) + "\n";
    return text;
  });
}

int scale(const std::filesystem::path& dir) {
  const auto file = dir / "scale.db";
  fresh(file);
  Database database(file);
  // Events arrive at t = 1,000,000 ms; minimum_age 10 min: due from 1,600,000.
  Queue queue(database, std::chrono::minutes(10));
  constexpr Millis kArrival = 1'000'000, kNotDue = 1'100'000, kAllDue = 2'000'000;
  constexpr std::size_t kBatch = 1000;
  std::printf("%-10s %14s %14s %16s %16s %10s\n", "rows", "enqueue s", "rows/s", "pick none due",
              "pick 50 of all", "RSS MiB");
  double first_pick = 0, last_pick = 0;
  std::size_t rows = 0;
  double enqueue_seconds = 0;
  for (const std::size_t size : {1000, 10000, 100000, 1000000}) {
    const auto start = Clock::now();
    for (; rows < size; rows += kBatch)
      database.write([&](SqlConnection& sql) {
        for (std::size_t i = rows; i < rows + kBatch; ++i)
          queue.enqueue(sql,
                        {folder_path(i),
                         scanhook::EventKind::created,
                         static_cast<int>(i % 3),
                         "bench",
                         {"log"}},
                        kArrival);
      });
    enqueue_seconds += seconds_since(start);
    std::size_t none = 0, some = 0;
    const double idle = pick_ms(queue, kNotDue, 101, &none);
    const double busy = pick_ms(queue, kAllDue, 101, &some);
    if (none != 0 || some != 50) {
      std::fprintf(stderr, "wrong pick: %zu due before their time, %zu of 50\n", none, some);
      return 1;
    }
    std::printf("%-10zu %14.2f %14.0f %13.3f ms %13.3f ms %10.1f\n", size, enqueue_seconds,
                static_cast<double>(rows) / enqueue_seconds, idle, busy, rss_mib());
    if (size == 1000) first_pick = std::max(idle, busy);
    last_pick = std::max(idle, busy);
  }
  std::printf("peak RSS %.1f MiB; database %.0f MiB; the pick's plan:\n%s", peak_rss_mib(),
              static_cast<double>(std::filesystem::file_size(file)) / (1024 * 1024),
              due_plan(database).c_str());
  if (last_pick > 10 * std::max(first_pick, 0.01)) {
    std::fprintf(stderr, "the pick is not flat: %.3f ms at 1M rows, %.3f ms at 1k\n", last_pick,
                 first_pick);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();
  try {
    if (mode == "ceiling") {
      ceiling(dir);
      return 0;
    }
    if (mode == "scale") return scale(dir);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "queue_bench: %s\n", error.what());
    return 1;
  }
  std::fprintf(stderr, "usage: queue_bench ceiling|scale [folder for the database files]\n");
  return 2;
}
