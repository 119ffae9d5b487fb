// Counters, gauges and histograms, rendered in the Prometheus text format for
// GET /metrics. Thread-safe; metric objects live as long as the registry.
#pragma once

#include <atomic>
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

class Metrics {
 public:
  // The same name and labels always give the same object.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});
  // A gauge read when /metrics is rendered (queue depth, RSS, ...).
  void gauge(const std::string& name, const std::string& help, std::function<double()> read,
             const Labels& labels = {});

  std::string render() const;

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> gauges;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace scanhook::core
