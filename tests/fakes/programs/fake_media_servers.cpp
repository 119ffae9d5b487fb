// A fake Plex and a fake Jellyfin as one program, for the browser tests of
// the targets view: each with its libraries and token, on free ports; prints
//   fake plex on http://127.0.0.1:P jellyfin http://127.0.0.1:Q
// and runs until SIGTERM or SIGINT. Tokens: "browser-plex-token",
// "browser-jellyfin-key". Plex: TV Shows (section 2, /tv), Films (section 1,
// /films); Jellyfin 10.10.7: Shows (/media/tv, /media/tv2).
#include <iostream>

#include "fakes/fake_jellyfin.hpp"
#include "fakes/fake_plex.hpp"
#include "stop_signals.hpp"

int main() {
  scanhook::fakes::StopSignals stop;  // before any server thread starts

  scanhook::fakes::FakePlex plex("browser-plex-token");
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}, {"1", "Films", "movie", {"/films"}}});
  scanhook::fakes::FakeJellyfin jellyfin("browser-jellyfin-key");
  jellyfin.set_libraries(
      {{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/media/tv", "/media/tv2"}}});
  std::cout << "fake plex on " << plex.url() << " jellyfin " << jellyfin.url() << std::endl;
  stop.wait();
  return 0;
}
