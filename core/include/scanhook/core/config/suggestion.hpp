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

// Where a key is read: the key and the sections that read it, as a user
// writes them ("[server]", "[source.NAME]").
struct KeyHome {
  std::string key;
  std::vector<std::string> sections;
};

// For a key unknown where it is: " (it belongs in [server])" when another
// section reads it (a key in the wrong section), else did_you_mean's answer.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::vector<KeyHome>& elsewhere);

}  // namespace scanhook::core
