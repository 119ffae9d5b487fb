#include "scanhook/support/media_item_type.hpp"

#include <set>

namespace scanhook::support {

bool is_file_item_type(const std::string& item_type) {
  static const std::set<std::string> kFileTypes = {
      "Episode", "Movie", "Audio", "AudioBook", "Book", "MusicVideo", "Video", "Trailer", "Photo"};
  return kFileTypes.count(item_type) != 0;
}

}  // namespace scanhook::support
