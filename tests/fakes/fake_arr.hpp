// A fake Sonarr v3/v4 or Radarr v3+ API, the part a target uses (facts from
// Sonarr/Sonarr src/Sonarr.Api.V3/Commands/CommandController.cs at 0bc4903,
// Series/SeriesResource.cs; Radarr/Radarr src/Radarr.Api.V3/Movies/
// MovieResource.cs at 4278415, and both apps' RescanSeries/RescanMovie
// commands): X-Api-Key (or ?apikey=) on every /api route, 401 with an empty
// body without it; GET /api/v3/series | /api/v3/movie: the whole list;
// POST /api/v3/command: 201 with the queued command and a Location header, a
// 400 validation list when "name" is blank, a 500 for an unknown command name
// (the controller's .Single() throws), and a command whose id names no item
// is queued all the same (it fails later, inside the app).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_http_server.hpp"

namespace scanhook::fakes {

struct ArrItem {
  int id = 0;
  std::string title;
  std::string path;
};

// One accepted POST /api/v3/command.
struct ArrCommand {
  std::string name;
  std::optional<int> item_id;  // seriesId/movieId; absent: the app rescans every item
};
inline bool operator==(const ArrCommand& a, const ArrCommand& b) {
  return a.name == b.name && a.item_id == b.item_id;
}

class FakeArr final : public FakeHttpServer {
 public:
  enum class App { sonarr, radarr };
  FakeArr(App app, std::string api_key);
  ~FakeArr() override;

  void set_items(std::vector<ArrItem> items);
  std::vector<ArrCommand> commands() const;

 private:
  HttpReply handle(const RecordedRequest& request);
  HttpReply listing() const;
  HttpReply command(const RecordedRequest& request);

  App app_;
  mutable std::mutex mutex_;
  std::string api_key_;
  std::vector<ArrItem> items_;
  std::vector<ArrCommand> commands_;
  int next_command_id_ = 1001;
};

}  // namespace scanhook::fakes
