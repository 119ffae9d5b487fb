// "Did you mean" for misspelt keys and names.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scanhook::core {

// The candidate nearest to `word` by edit distance, if it is close enough to
// be a likely typo.
std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace scanhook::core
