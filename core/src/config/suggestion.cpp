#include "scanhook/core/config/suggestion.hpp"

#include <algorithm>
#include <numeric>

namespace scanhook::core {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto match = closest_match(word, candidates);
  return match ? " (did you mean '" + *match + "'?)" : "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::vector<KeyHome>& elsewhere) {
  for (const auto& home : elsewhere) {
    if (home.key != word || home.sections.empty()) continue;
    std::string sections;
    for (std::size_t i = 0; i < home.sections.size(); ++i)
      sections += (i == 0 ? "" : i + 1 == home.sections.size() ? " or " : ", ") + home.sections[i];
    return " (it belongs in " + sections + ")";
  }
  return did_you_mean(word, candidates);
}

}  // namespace scanhook::core
