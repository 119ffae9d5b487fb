// One client connection of the daemon's HTTP server, as the reactor sees it:
// the bytes read so far, the request head once it is whole (parsed by Poco's
// HTTPRequest), its body as it arrives (Content-Length or chunked), and the
// bytes of a reply still to write. No thread waits on it: the reactor calls
// it when the socket is ready, and only on the reactor's thread.
#pragma once

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "scanhook/http.hpp"

namespace scanhook::core {

using SteadyTime = std::chrono::steady_clock::time_point;

class HttpConnection {
 public:
  enum class State {
    waiting,    // for the first byte of a request (idle: a keep-alive connection between requests)
    head,       // part of a request head is in
    body,       // the head is in and admitted; the body is arriving
    answering,  // a worker has the request; the socket is not polled
    writing,    // the reply's rest is waiting for the socket
    closing,    // the last reply is out: reading and dropping what still comes, then closed
    streaming,  // an event stream: bytes are pushed as events happen, until either side closes
  };

  // What the bytes read so far hold, after advance().
  enum class Step {
    more,        // nothing new: wait for more bytes
    head_ready,  // head() is a whole request head: admit or refuse it
    body_ready,  // take_body() is the whole body: answer the request
    invalid,     // not valid HTTP: answer error() and close
  };

  enum class Write { done, more, failed };

  HttpConnection(Poco::Net::StreamSocket socket, std::string client, SteadyTime now,
                 SteadyTime deadline);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Reads what the socket has now (at most `budget` bytes); false once the
  // peer has closed its side or the socket failed.
  bool receive(std::size_t budget);
  // Drops what the socket has (closing); false once the peer has closed, or
  // 1 MiB has been dropped: then the connection is closed at once.
  bool discard();
  // Parses what was read: the next head, or more of the body being read.
  Step advance(std::size_t max_body_size);

  // After head_ready: the head, and whether a body follows it.
  const Poco::Net::HTTPRequest& head() const { return *head_; }
  bool has_body() const { return body_length_.has_value() || chunked_ != nullptr; }
  // Bytes the body will have, when the head said (Content-Length).
  std::optional<std::uint64_t> body_length() const { return body_length_; }
  // The head was admitted: read its body (state body), or it has none (body_ready next).
  void read_body(SteadyTime deadline);
  std::string take_body();
  // After invalid: the reply that says why.
  const HttpReply& error() const { return error_; }
  // After invalid: the bytes were a TLS handshake (a client speaking https to this port).
  bool tls_hello() const { return tls_hello_; }
  // Bytes of the body read so far (for a "body ended early" reply).
  std::size_t body_received() const { return body_.size(); }

  // The request is with a worker; its reply, when written, ends the wait.
  void answer();
  // Writes what a reply left (state writing), as much as the socket takes now.
  Write write_pending(std::string rest);
  Write write_more();
  // The reply is an event stream whose head left `rest` unwritten; push()
  // adds to it. No deadline while everything is written (an open stream is
  // neither idle nor late); `write_deadline` once bytes wait for the client.
  Write start_stream(std::string rest, SteadyTime write_deadline);
  Write push(const std::string& bytes, SteadyTime write_deadline);
  // Bytes queued and not yet taken by the socket.
  std::size_t backlog() const { return out_.size() - out_offset_; }
  // The reply is out: wait for the next request (its bytes may be in already).
  void next_request(SteadyTime now, SteadyTime deadline);
  // The last reply is out: stop sending, drop what still comes (up to 1 MiB)
  // until `deadline`, so the peer reads the reply rather than a reset.
  void close(SteadyTime deadline);

  State state() const { return state_; }
  // Bytes from the client not yet parsed, read or still in the socket.
  bool unread() const;
  // Idle: waiting for a request with none of it read.
  bool idle() const { return state_ == State::waiting && in_.empty(); }
  SteadyTime idle_since() const { return idle_since_; }
  SteadyTime deadline() const { return deadline_; }
  void set_deadline(SteadyTime deadline) { deadline_ = deadline; }
  const std::string& client() const { return client_; }
  Poco::Net::StreamSocket& socket() { return socket_; }

 private:
  class ChunkedBody;

  Step advance_head();
  Step advance_body(std::size_t max_body_size);
  Step invalid(int status, const std::string& message);

  Poco::Net::StreamSocket socket_;
  std::string client_;  // the peer's IP address
  State state_ = State::waiting;
  SteadyTime idle_since_;
  SteadyTime deadline_;
  std::string in_;  // read and not yet parsed
  std::unique_ptr<Poco::Net::HTTPRequest> head_;
  std::optional<std::uint64_t> body_length_;
  std::unique_ptr<ChunkedBody> chunked_;  // set for a chunked body
  std::string body_;
  std::string out_;  // a reply's bytes the socket has not taken yet
  std::size_t out_offset_ = 0;
  std::size_t discarded_ = 0;  // bytes dropped while closing
  HttpReply error_;
  bool tls_hello_ = false;
};

// The 413 of a body over max_body_size (bytes).
HttpReply body_too_large(std::size_t max_body_size);

}  // namespace scanhook::core
