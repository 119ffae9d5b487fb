#include "scanhook/core/pipeline/metrics.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace scanhook::core {

void Counter::add(double amount) {
  double current = value_.load();
  while (!value_.compare_exchange_weak(current, current + amount)) {
  }
}

double Counter::value() const {
  return value_.load();
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::lock_guard lock(mutex_);
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> cumulative(counts_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) cumulative[i] = running += counts_[i];
  return cumulative;
}

double Histogram::sum() const {
  std::lock_guard lock(mutex_);
  return sum_;
}

std::uint64_t Histogram::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& type,
                                 const std::string& help) {
  auto& found = families_[name];
  if (found.type.empty()) {
    found.type = type;
    found.help = help;
  } else if (found.type != type) {
    throw std::logic_error("metric " + name + " registered as " + found.type + " and " + type);
  }
  return found;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "counter", help).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "histogram", help).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

std::uint64_t Metrics::add_gauge(const std::string& name, const std::string& help,
                                 std::function<double()> read, const Labels& labels) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = ++last_gauge_id_;
  family(name, "gauge", help).gauges[labels] = {id, std::move(read)};
  return id;
}

void Metrics::remove_gauge(const std::string& name, const Labels& labels, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  const auto found = families_.find(name);
  if (found == families_.end()) return;
  Family& gauges = found->second;
  const auto gauge = gauges.gauges.find(labels);
  if (gauge == gauges.gauges.end() || gauge->second.id != id) return;
  gauges.gauges.erase(gauge);
  if (gauges.gauges.empty() && gauges.counters.empty() && gauges.histograms.empty())
    families_.erase(found);
}

void Metrics::gauge(const std::string& name, const std::string& help, std::function<double()> read,
                    const Labels& labels) {
  add_gauge(name, help, std::move(read), labels);
}

GaugeRegistration Metrics::scoped_gauge(const std::string& name, const std::string& help,
                                        std::function<double()> read, const Labels& labels) {
  const std::uint64_t id = add_gauge(name, help, std::move(read), labels);
  return GaugeRegistration(*this, name, labels, id);
}

GaugeRegistration::~GaugeRegistration() {
  if (metrics_) metrics_->remove_gauge(name_, labels_, id_);
}

GaugeRegistration::GaugeRegistration(GaugeRegistration&& other) noexcept
    : metrics_(std::exchange(other.metrics_, nullptr)),
      name_(std::move(other.name_)),
      labels_(std::move(other.labels_)),
      id_(other.id_) {}

GaugeRegistration& GaugeRegistration::operator=(GaugeRegistration&& other) noexcept {
  if (this == &other) return *this;
  if (metrics_) metrics_->remove_gauge(name_, labels_, id_);
  metrics_ = std::exchange(other.metrics_, nullptr);
  name_ = std::move(other.name_);
  labels_ = std::move(other.labels_);
  id_ = other.id_;
  return *this;
}

namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const Labels& labels, const std::string& extra_key = {},
                       const std::string& extra_value = {}) {
  std::string text;
  for (const auto& [key, value] : labels)
    text += (text.empty() ? "" : ",") + key + "=\"" + escape_label(value) + "\"";
  if (!extra_key.empty())
    text += (text.empty() ? "" : ",") + extra_key + "=\"" + escape_label(extra_value) + "\"";
  return text.empty() ? "" : "{" + text + "}";
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::ostringstream out;
  out.precision(15);
  out << value;
  return out.str();
}

}  // namespace

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, family] : families_) {
    out << "# HELP " << name << " " << family.help << "\n# TYPE " << name << " " << family.type
        << "\n";
    for (const auto& [labels, counter] : family.counters)
      out << name << label_text(labels) << " " << number(counter->value()) << "\n";
    for (const auto& [labels, gauge] : family.gauges)
      out << name << label_text(labels) << " " << number(gauge.read()) << "\n";
    for (const auto& [labels, histogram] : family.histograms) {
      const auto counts = histogram->bucket_counts();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        const std::string bound =
            i < histogram->bounds().size() ? number(histogram->bounds()[i]) : "+Inf";
        out << name << "_bucket" << label_text(labels, "le", bound) << " " << counts[i] << "\n";
      }
      out << name << "_sum" << label_text(labels) << " " << number(histogram->sum()) << "\n";
      out << name << "_count" << label_text(labels) << " " << histogram->count() << "\n";
    }
  }
  return out.str();
}

}  // namespace scanhook::core
