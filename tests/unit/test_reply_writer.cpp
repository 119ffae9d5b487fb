#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <string>
#include <thread>

#include "scanhook/core/http/reply_writer.hpp"
#include "scanhook/core/http/respond.hpp"

using scanhook::HttpReply;
using scanhook::core::render_reply;
using scanhook::core::ReplyFraming;
using scanhook::core::ReplyWriter;
using scanhook::core::Respond;

namespace {

// Both ends of one loopback TCP connection.
struct SocketPair {
  Poco::Net::ServerSocket listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
  Poco::Net::StreamSocket client{listener.address()};
  Poco::Net::StreamSocket server = listener.acceptConnection();
};

// Up to `size` bytes; fewer when nothing more comes within 5 s.
std::string read_all(Poco::Net::StreamSocket& socket, std::size_t size) {
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  std::string text(size, '\0');
  std::size_t have = 0;
  try {
    while (have < size) {
      const int n = socket.receiveBytes(&text[have], static_cast<int>(size - have));
      if (n <= 0) break;
      have += static_cast<std::size_t>(n);
    }
  } catch (const Poco::TimeoutException&) {  // the rest never came
  }
  text.resize(have);
  return text;
}

}  // namespace

TEST_CASE("a reply is rendered with its framing: status, Connection, length, body", "[http]") {
  const HttpReply reply{201, "application/json", "{}", {{"X-A", "b"}}};
  const std::string kept = render_reply(reply, {false, true, false});
  CHECK(kept.rfind("HTTP/1.1 201 Created\r\nDate: ", 0) == 0);
  CHECK_THAT(kept, Catch::Matchers::Contains("\r\nConnection: Keep-Alive\r\nX-A: b\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Content-Length: 2\r\n\r\n{}"));
  const std::string head = render_reply(reply, {true, true, true});
  CHECK(head.rfind("HTTP/1.0 201 ", 0) == 0);
  CHECK_THAT(head, Catch::Matchers::EndsWith("Content-Length: 0\r\n\r\n"));
  CHECK_THAT(render_reply(scanhook::json_error(400, "x"), {false, true, false}),
             Catch::Matchers::Contains("Connection: Close"));
}

TEST_CASE(
    "a reply larger than the socket takes is not waited for by its sender, "
    "and what the socket did not take is handed on, to arrive whole",
    "[http]") {
  SocketPair sockets;
  std::string rest;
  bool keep_open = false;
  ReplyWriter writer(sockets.server, {false, true, false}, [&](std::string left, bool keep) {
    rest = std::move(left);
    keep_open = keep;
  });
  const HttpReply big{200, "text/plain", std::string(16 * 1024 * 1024, 'x'), {}};
  const std::string expected = render_reply(big, {false, true, false});
  writer.send(big);  // the client reads nothing yet: this must return anyway
  CHECK(keep_open);
  CHECK_FALSE(rest.empty());
  CHECK(rest.size() < expected.size());
  std::string received;
  std::thread reader([&] { received = read_all(sockets.client, expected.size()); });
  // The reactor's part: write the rest as the socket takes it.
  sockets.server.setBlocking(true);
  sockets.server.sendBytes(rest.data(), static_cast<int>(rest.size()));
  reader.join();
  REQUIRE(received.size() == expected.size());
  // Date may differ by a second between the two renderings; the rest may not.
  CHECK(received.substr(received.find("\r\nConnection")) ==
        expected.substr(expected.find("\r\nConnection")));
}

TEST_CASE("a closing reply says the connection may not serve another request", "[http]") {
  SocketPair sockets;
  bool keep_open = true;
  ReplyWriter writer(sockets.server, {false, true, false},
                     [&](std::string, bool keep) { keep_open = keep; });
  writer.send(scanhook::json_error(400, "bad"));
  CHECK_FALSE(keep_open);
}

TEST_CASE("a reply is sent once, and a route that never answers gets its client a 500", "[http]") {
  std::vector<int> statuses;
  {
    const Respond respond([&](HttpReply reply) { statuses.push_back(reply.status); });
    respond(HttpReply{202, "application/json", "{}", {}});
    respond(HttpReply{500, "application/json", "{}", {}});
  }
  CHECK(statuses == std::vector<int>{202});
  statuses.clear();
  {
    const Respond forgotten([&](HttpReply reply) { statuses.push_back(reply.status); });
  }
  CHECK(statuses == std::vector<int>{500});
}
