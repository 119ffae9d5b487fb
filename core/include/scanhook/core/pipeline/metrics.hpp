// Counters, gauges and histograms, rendered in the Prometheus text format for
// GET /metrics. Thread-safe; counters and histograms live as long as the
// registry, a gauge as long as the registry or its GaugeRegistration.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace scanhook::core {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void add(double amount = 1);
  double value() const;

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  std::vector<std::uint64_t> bucket_counts() const;  // cumulative, one per bound, then +Inf
  double sum() const;
  std::uint64_t count() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class Metrics;

// A gauge's place in the registry (Metrics::scoped_gauge), removed when this
// is destroyed: once the destructor returns, no render reads the gauge again
// and none is still reading it, so the gauge may read an object that outlives
// only this registration. The registry must outlive it. Movable.
class GaugeRegistration {
 public:
  GaugeRegistration() = default;
  ~GaugeRegistration();
  GaugeRegistration(GaugeRegistration&& other) noexcept;
  GaugeRegistration& operator=(GaugeRegistration&& other) noexcept;
  GaugeRegistration(const GaugeRegistration&) = delete;
  GaugeRegistration& operator=(const GaugeRegistration&) = delete;

 private:
  friend class Metrics;
  GaugeRegistration(Metrics& metrics, std::string name, Labels labels, std::uint64_t id)
      : metrics_(&metrics), name_(std::move(name)), labels_(std::move(labels)), id_(id) {}

  Metrics* metrics_ = nullptr;  // null once moved from
  std::string name_;
  Labels labels_;
  std::uint64_t id_ = 0;
};

class Metrics {
 public:
  // The same name and labels always give the same object.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // A gauge read when /metrics is rendered (RSS, open connections, ...), for
  // the registry's life: `read` may use only what it owns (captured by value).
  void gauge(const std::string& name, const std::string& help, std::function<double()> read,
             const Labels& labels = {});
  // A gauge until the registration is destroyed (queue depth, a target's
  // failing time): `read` may use what outlives the registration. The same
  // name and labels registered again replace the gauge; the earlier
  // registration then removes nothing.
  [[nodiscard]] GaugeRegistration scoped_gauge(const std::string& name, const std::string& help,
                                               std::function<double()> read,
                                               const Labels& labels = {});

  std::string render() const;

 private:
  friend class GaugeRegistration;
  struct Gauge {
    std::uint64_t id = 0;  // its registration's
    std::function<double()> read;
  };
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, Gauge> gauges;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);
  // The new gauge's id.
  std::uint64_t add_gauge(const std::string& name, const std::string& help,
                          std::function<double()> read, const Labels& labels);
  // Removes the gauge if it is still registration `id`'s; its family with its last series.
  void remove_gauge(const std::string& name, const Labels& labels, std::uint64_t id);

  // Held while a render reads the gauges, so a removal waits for it.
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::uint64_t last_gauge_id_ = 0;
};

}  // namespace scanhook::core
