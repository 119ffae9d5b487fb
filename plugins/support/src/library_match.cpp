#include "scanhook/support/library_match.hpp"

namespace scanhook::support {

namespace {

bool is_separator(char c) {
  return c == '/' || c == '\\';
}

// "/tv/" and "/tv" are the same location; "/" stays "/".
std::string without_trailing_separators(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && is_separator(trimmed.back())) trimmed.pop_back();
  return trimmed;
}

bool same_path(const std::string& a, const std::string& b) {
  return without_trailing_separators(a) == without_trailing_separators(b);
}

std::string describe_all(const std::vector<Library>& libraries) {
  if (libraries.empty()) return "it has no libraries";
  std::string text = "libraries: ";
  for (std::size_t i = 0; i < libraries.size(); ++i) {
    if (i > 0) text += "; ";
    text += libraries[i].title + " (";
    for (std::size_t j = 0; j < libraries[i].locations.size(); ++j)
      text += (j > 0 ? ", " : "") + libraries[i].locations[j];
    text += ")";
  }
  return text;
}

}  // namespace

bool path_within(const std::string& path, const std::string& location) {
  const std::string base = without_trailing_separators(location);
  const std::string candidate = without_trailing_separators(path);
  if (base.empty() || candidate.compare(0, base.size(), base) != 0) return false;
  if (candidate.size() == base.size()) return true;
  return is_separator(base.back()) || is_separator(candidate[base.size()]);
}

LibraryMatch match_libraries(const std::string& folder, const std::vector<Library>& libraries,
                             const std::string& product) {
  LibraryMatch match;
  std::vector<const Library*> roots;
  for (const auto& library : libraries) {
    bool owns = false;
    bool root = false;
    for (const auto& location : library.locations) {
      if (!path_within(folder, location)) continue;
      if (same_path(folder, location))
        root = true;
      else
        owns = true;
    }
    if (owns)
      match.libraries.push_back(library);
    else if (root)
      roots.push_back(&library);
  }
  if (!match.libraries.empty()) return match;
  match.only_roots = !roots.empty();
  if (match.only_roots)
    match.verdict = Result::rejected(folder + " is the root of the " + product + " library \"" +
                                     roots.front()->title +
                                     "\": a partial scan there would rescan the whole library");
  else
    match.verdict = Result::rejected(folder + " is in no " + product + " library (" +
                                     describe_all(libraries) + ")");
  return match;
}

std::string library_titles(const std::vector<Library>& libraries) {
  std::string titles;
  for (const auto& library : libraries) titles += (titles.empty() ? "" : ", ") + library.title;
  return titles;
}

}  // namespace scanhook::support
