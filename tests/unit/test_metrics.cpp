#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "scanhook/core/pipeline/metrics.hpp"
#include "support/eventually.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;

TEST_CASE("a scoped gauge is rendered until its registration is destroyed", "[metrics]") {
  Metrics metrics;
  metrics.counter("scanhook_kept_total", "a counter beside it").add(2);
  {
    const GaugeRegistration depth =
        metrics.scoped_gauge("scanhook_depth", "folders waiting", [] { return 7.0; });
    CHECK_THAT(metrics.render(), Contains("# TYPE scanhook_depth gauge\nscanhook_depth 7\n"));
  }
  const std::string text = metrics.render();
  // Its HELP and TYPE go with its last series; other metrics stay.
  CHECK_THAT(text, !Contains("scanhook_depth"));
  CHECK_THAT(text, Contains("scanhook_kept_total 2\n"));
}

TEST_CASE("a gauge registered again under the same labels replaces the earlier one", "[metrics]") {
  Metrics metrics;
  auto first = std::make_unique<GaugeRegistration>(
      metrics.scoped_gauge("scanhook_depth", "", [] { return 1.0; }, {{"target", "a"}}));
  const GaugeRegistration other =
      metrics.scoped_gauge("scanhook_depth", "", [] { return 5.0; }, {{"target", "b"}});
  const GaugeRegistration second =
      metrics.scoped_gauge("scanhook_depth", "", [] { return 2.0; }, {{"target", "a"}});
  CHECK_THAT(metrics.render(), Contains("scanhook_depth{target=\"a\"} 2\n"));
  first.reset();  // its gauge was replaced: it removes nothing
  CHECK_THAT(metrics.render(), Contains("scanhook_depth{target=\"a\"} 2\n") &&
                                   Contains("scanhook_depth{target=\"b\"} 5\n"));
}

TEST_CASE("a moved gauge registration removes its gauge once, when the last owner goes",
          "[metrics]") {
  Metrics metrics;
  GaugeRegistration kept;
  {
    GaugeRegistration made = metrics.scoped_gauge("scanhook_depth", "", [] { return 3.0; });
    kept = std::move(made);
  }
  CHECK_THAT(metrics.render(), Contains("scanhook_depth 3\n"));
  GaugeRegistration replaced = metrics.scoped_gauge("scanhook_other", "", [] { return 4.0; });
  replaced = std::move(kept);  // the assigned-over registration's gauge goes
  CHECK_THAT(metrics.render(), Contains("scanhook_depth 3\n") && !Contains("scanhook_other"));
  { const GaugeRegistration last = std::move(replaced); }
  CHECK_THAT(metrics.render(), !Contains("scanhook_depth"));
}

TEST_CASE("a registry-long gauge stays for the registry's life", "[metrics]") {
  Metrics metrics;
  metrics.gauge("process_open_fds", "Open file descriptors", [] { return 9.0; });
  CHECK_THAT(metrics.render(), Contains("process_open_fds 9\n"));
}

TEST_CASE("once a gauge's registration is destroyed, no render reads it, even one under way",
          "[metrics]") {
  Metrics metrics;
  std::atomic<bool> done{false};
  std::atomic<int> renders{0};
  std::thread reader([&] {
    while (!done) {
      metrics.render();
      ++renders;
    }
  });
  std::atomic<int> late_reads{0};
  for (int round = 0; round < 200; ++round) {
    // What the gauge reads lives exactly as long as its registration.
    auto alive = std::make_shared<std::atomic<bool>>(true);
    auto depth = std::make_unique<int>(round);
    auto registration = std::make_unique<GaugeRegistration>(
        metrics.scoped_gauge("scanhook_depth", "", [alive, &late_reads, value = depth.get()] {
          if (!*alive) ++late_reads;
          return static_cast<double>(*value);  // under ASan: freed memory, if read late
        }));
    const int seen = renders.load();
    while (renders.load() == seen) std::this_thread::yield();
    registration.reset();
    *alive = false;
    depth.reset();
  }
  done = true;
  reader.join();
  CHECK(late_reads == 0);
  CHECK_THAT(metrics.render(), !Contains("scanhook_depth"));
}
