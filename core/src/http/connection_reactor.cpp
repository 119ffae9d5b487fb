#include "scanhook/core/http/connection_reactor.hpp"

#include <Poco/Logger.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/PollSet.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "scanhook/core/http/event_stream.hpp"
#include "scanhook/core/http/http_connection.hpp"

namespace scanhook::core {

namespace {

using Clock = std::chrono::steady_clock;
using PollSet = Poco::Net::PollSet;

constexpr std::size_t kReadBudget = 256 * 1024;    // per connection and wake-up: others get a turn
constexpr int kAcceptBudget = 256;                 // connections accepted per wake-up
constexpr auto kLinger = std::chrono::seconds(2);  // for the client to read a closing reply
constexpr auto kSweepEvery = std::chrono::milliseconds(100);
// At stop: handshakes already under way finish within this (a LAN's round
// trip, many times over) and are accepted, then the listener closes.
constexpr auto kAcceptSettle = std::chrono::milliseconds(100);
// At stop: a request being read, or a new connection's, has this long to arrive whole.
constexpr auto kStopReadGrace = std::chrono::seconds(1);
constexpr int kStopRetryAfter = 5;  // seconds: the Retry-After of a stopping daemon's 503

// Drops a bare SYN (a new handshake) and lets every other segment through,
// so that a stopping listener takes no new connection but finishes those
// under way: closing it with a handshake half done would reset a client
// that believes it is connected and has sent its request. The dropped
// client's SYN is retried in a second: refused then, or served by the next
// daemon. A socket filter sees a TCP segment from its header: byte 13 holds the flags.
bool refuse_new_handshakes(int listener) {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),        // SYN | ACK
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 0, 1),  // SYN alone
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),
  };
  const sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  return ::setsockopt(listener, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0;
}

HttpReply stopping_reply(const std::string& what) {
  HttpReply reply = json_error(
      503, "scanhookd is stopping and " + what + ": nothing of it was taken; send it again");
  reply.headers.emplace_back("Retry-After", std::to_string(kStopRetryAfter));
  return reply;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto count = duration.count();
  return count % 1000 == 0 ? std::to_string(count / 1000) + "s" : std::to_string(count) + "ms";
}

// A reply that went out (or partly) from any thread, for the reactor to
// finish; or an event stream's head, or bytes for an open stream.
struct SentReply {
  enum Kind { reply, stream_opened, stream_bytes };
  std::shared_ptr<HttpConnection> connection;
  std::string rest;
  bool keep_open = false;
  Kind kind = reply;
  std::shared_ptr<std::atomic<bool>> stream_open;  // stream_opened: cleared when the stream ends
};

}  // namespace

class ConnectionReactor::Loop : public std::enable_shared_from_this<ConnectionReactor::Loop> {
 public:
  Loop(Poco::Net::ServerSocket listener, ConnectionLimits limits, AdmitRequest admit,
       WorkerPool& workers, Metrics& metrics)
      : listener_(std::move(listener)),
        limits_(limits),
        admit_(std::move(admit)),
        workers_(workers),
        open_(std::make_shared<std::atomic<std::size_t>>(0)) {
    listener_.setBlocking(false);
    // The wake-up: a datagram to itself tells the poll that replies are waiting.
    wake_.bind(Poco::Net::SocketAddress("127.0.0.1", 0));
    wake_.connect(wake_.address());
    wake_.setBlocking(false);
    poll_set_.add(listener_, PollSet::POLL_READ);
    poll_set_.add(wake_, PollSet::POLL_READ);
    const auto open = open_;
    metrics.gauge("scanhook_http_connections", "Open HTTP connections",
                  [open] { return static_cast<double>(open->load()); });
    for (const char* reason :
         {"limit", "header_timeout", "idle_timeout", "body_timeout", "write_timeout"})
      closed_[reason] =
          &metrics.counter("scanhook_http_connections_closed_total",
                           "HTTP connections the server closed, by reason", {{"reason", reason}});
  }

  void run() {
    // Named as top -H, perf and bench/thread_cpu.sh show it.
    pthread_setname_np(pthread_self(), "reactor");
    next_sweep_ = Clock::now() + kSweepEvery;
    while (!finished_) {
      const auto now = Clock::now();
      // With no connection there is no deadline to keep: sleep longer.
      const auto wait =
          entries_.empty() && !accept_paused_ && !stop_started_
              ? std::chrono::milliseconds(1000)
              : std::clamp(std::chrono::ceil<std::chrono::milliseconds>(next_sweep_ - now),
                           std::chrono::milliseconds(0), std::chrono::milliseconds(1000));
      PollSet::SocketModeMap ready;
      try {
        ready = poll_set_.poll(Poco::Timespan(wait.count() * 1000));
      } catch (const Poco::Exception& error) {
        Poco::Logger::get("scanhook.http")
            .error("polling connections failed: %s", error.displayText());
      }
      for (const auto& [socket, mode] : ready) on_ready(socket, mode);
      take_sent_replies();
      if (stop_asked_.load()) stopping();
      if (Clock::now() >= next_sweep_) sweep();
    }
  }

  void ask_stop(std::chrono::milliseconds grace) {
    grace_ = grace;
    stop_asked_ = true;
    wake();
  }

 private:
  struct Entry {
    std::shared_ptr<HttpConnection> connection;
    Poco::Net::SocketAddress peer;
    int mode = 0;  // what the poll set watches for
    std::unique_ptr<PendingRequest> pending;
    ReplyFraming framing;
    bool keep_open = false;  // after the reply being written
    bool served = false;     // has answered a request (a next one is keep-alive)
    bool peer_gone = false;  // the client closed its side: no next request
    std::shared_ptr<std::atomic<bool>> stream_open;  // an event stream's: false once it ended
  };

  // What a route holds of an open event stream: send() posts to the reactor.
  class Stream final : public EventStream {
   public:
    Stream(std::weak_ptr<Loop> loop, std::shared_ptr<HttpConnection> connection,
           std::shared_ptr<std::atomic<bool>> open)
        : loop_(std::move(loop)), connection_(std::move(connection)), open_(std::move(open)) {}
    ~Stream() override { close(); }

    bool send(std::string bytes) override {
      if (!open_->load()) return false;
      const auto loop = loop_.lock();
      if (!loop) return false;
      loop->post(SentReply{connection_, std::move(bytes), true, SentReply::stream_bytes, open_});
      return true;
    }
    bool open() const override { return open_->load(); }

   private:
    // Dropped by its route: the reactor closes the connection.
    void close() {
      if (!open_->exchange(false)) return;
      if (const auto loop = loop_.lock())
        loop->post(SentReply{connection_, "", false, SentReply::stream_bytes, open_});
    }

    std::weak_ptr<Loop> loop_;
    std::shared_ptr<HttpConnection> connection_;
    std::shared_ptr<std::atomic<bool>> open_;
  };

  // ---- events ------------------------------------------------------------

  void on_ready(const Poco::Net::Socket& socket, int mode) {
    if (socket == listener_) return accept_all();
    if (socket == wake_) {
      char drain[64];
      while (::recv(wake_.impl()->sockfd(), drain, sizeof drain, MSG_DONTWAIT) > 0) {
      }
      return;
    }
    const auto found = entries_.find(socket.impl()->sockfd());
    if (found == entries_.end()) return;
    Entry& entry = found->second;
    HttpConnection& connection = *entry.connection;
    if (mode & PollSet::POLL_ERROR) return drop(found->first);
    switch (connection.state()) {
      case HttpConnection::State::writing:
        if (mode & PollSet::POLL_WRITE) write_more(entry);
        return;
      case HttpConnection::State::closing:
        if (!connection.discard()) drop(found->first);
        return;
      case HttpConnection::State::answering: return;
      case HttpConnection::State::streaming: {
        const int fd = found->first;
        // A stream's client sends nothing more: a read ends it (closed, or talking out of turn).
        if ((mode & PollSet::POLL_READ) && !connection.discard()) return drop(fd);
        if (mode & PollSet::POLL_WRITE) write_stream(entry, connection.write_more());
        return;
      }
      default: break;
    }
    const bool was_idle = connection.idle();
    const bool open = connection.receive(kReadBudget);
    // A keep-alive connection's next head has the whole header_timeout from its first byte.
    if (was_idle && !connection.idle() && entry.served)
      connection.set_deadline(reading_deadline(Clock::now() + limits_.header_timeout));
    process(entry);
    if (!open) peer_closed(found->first);
  }

  // The peer closed its side (or the socket failed) with `entry` reading.
  void peer_closed(int fd) {
    const auto found = entries_.find(fd);
    if (found == entries_.end()) return;
    Entry& entry = found->second;
    HttpConnection& connection = *entry.connection;
    if (connection.state() == HttpConnection::State::body && entry.pending) {
      // Half-closed after part of the body: say how much came.
      const auto expected = connection.body_length();
      entry.pending->fail(
          json_error(400, "the request body ended early (" +
                              std::to_string(connection.body_received()) +
                              (expected ? " of " + std::to_string(*expected) : std::string()) +
                              " bytes arrived)"),
          answering(entry, false));
      return;
    }
    if (connection.state() == HttpConnection::State::waiting ||
        connection.state() == HttpConnection::State::head)
      drop(fd);
    else if (connection.state() == HttpConnection::State::answering ||
             connection.state() == HttpConnection::State::writing)
      entry.peer_gone = true;
  }

  // Parses what a reading connection has and acts on it.
  void process(Entry& entry) {
    HttpConnection& connection = *entry.connection;
    for (;;) {
      switch (connection.advance(limits_.max_body_size)) {
        case HttpConnection::Step::more: return;
        case HttpConnection::Step::invalid:
          if (connection.tls_hello())
            Poco::Logger::get("scanhook.http")
                .warning(
                    "%s sent a TLS handshake to this plain-HTTP port, answered 400: its URL "
                    "must start with http://, or put TLS in front (README, \"TLS\")",
                    connection.client());
          if (entry.pending) {
            entry.pending->fail(connection.error(), answering(entry, false));
          } else {
            entry.framing = ReplyFraming{false, false, false};
            answering(entry, false)->send(connection.error());
          }
          return;
        case HttpConnection::Step::head_ready: {
          const Poco::Net::HTTPRequest& head = connection.head();
          entry.framing = ReplyFraming{head.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0,
                                       head.getKeepAlive(), head.getMethod() == "HEAD"};
          entry.pending = admit_(head, entry.peer);
          if (entry.pending->refused()) {
            // The body, if any, is left unread: the connection ends after the reply.
            const bool body_follows = connection.has_body() && connection.body_length() != 0u;
            entry.pending->answer("", answering(entry, !body_follows));
            return;
          }
          if (connection.has_body() && head.getExpectContinue() && !entry.framing.http_1_0) {
            static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            std::size_t offset = 0;
            write_available(connection.socket().impl()->sockfd(), kContinue, offset);
          }
          const auto size = connection.body_length().value_or(limits_.max_body_size);
          connection.read_body(
              reading_deadline(Clock::now() + limits_.request_timeout +
                               std::chrono::milliseconds(size * 1000 / limits_.min_body_rate)));
          break;
        }
        case HttpConnection::Step::body_ready: {
          auto writer = answering(entry, true);
          workers_.run([pending = std::shared_ptr<PendingRequest>(std::move(entry.pending)),
                        body = connection.take_body(),
                        writer]() mutable { pending->answer(std::move(body), writer); });
          return;
        }
      }
    }
  }

  // The connection stops reading: its request is being answered through the writer returned.
  std::shared_ptr<ReplyWriter> answering(Entry& entry, bool may_keep_alive) {
    entry.connection->answer();
    watch(entry, 0);
    ReplyFraming framing = entry.framing;
    framing.keep_alive = framing.keep_alive && may_keep_alive && !stop_asked_.load();
    auto loop = weak_from_this();
    return std::make_shared<ReplyWriter>(
        entry.connection->socket(), framing,
        [loop, connection = entry.connection](std::string rest, bool keep_open) {
          if (const auto alive = loop.lock())
            alive->post(
                SentReply{connection, std::move(rest), keep_open, SentReply::reply, nullptr});
        },
        [loop, connection = entry.connection](std::string rest) -> std::shared_ptr<EventStream> {
          const auto alive = loop.lock();
          if (!alive) return nullptr;
          auto open = std::make_shared<std::atomic<bool>>(true);
          alive->post(
              SentReply{connection, std::move(rest), false, SentReply::stream_opened, open});
          return std::make_shared<Stream>(loop, connection, std::move(open));
        });
  }

  // Any thread.
  void post(SentReply sent) {
    bool first = false;
    {
      std::lock_guard lock(sent_mutex_);
      first = sent_.empty();
      sent_.push_back(std::move(sent));
    }
    if (first) wake();
  }

  void wake() {
    try {
      wake_.sendBytes("!", 1);
    } catch (const Poco::Exception&) {  // its buffer is full: a wake-up is pending anyway
    }
  }

  void take_sent_replies() {
    std::vector<SentReply> sent;
    {
      std::lock_guard lock(sent_mutex_);
      sent.swap(sent_);
    }
    for (auto& reply : sent) {
      const auto found = entries_.find(reply.connection->socket().impl()->sockfd());
      if (found == entries_.end() || found->second.connection != reply.connection) {
        if (reply.stream_open) reply.stream_open->store(false);  // its connection is gone already
        continue;
      }
      Entry& entry = found->second;
      if (reply.kind != SentReply::reply) {
        stream_sent(entry, std::move(reply));
        continue;
      }
      entry.keep_open = reply.keep_open && !entry.peer_gone && !stop_asked_.load();
      entry.served = true;
      entry.pending.reset();
      if (reply.rest.empty()) {
        reply_done(entry);
        continue;
      }
      entry.connection->set_deadline(Clock::now() + limits_.request_timeout);
      handle_write(entry, entry.connection->write_pending(std::move(reply.rest)));
    }
  }

  void write_more(Entry& entry) { handle_write(entry, entry.connection->write_more()); }

  // An event stream's head or bytes for it, from the route's thread.
  void stream_sent(Entry& entry, SentReply sent) {
    HttpConnection& connection = *entry.connection;
    const int fd = connection.socket().impl()->sockfd();
    const auto write_deadline = Clock::now() + limits_.request_timeout;
    if (sent.kind == SentReply::stream_opened) {
      entry.served = true;
      entry.pending.reset();
      entry.stream_open = std::move(sent.stream_open);
      if (entry.peer_gone || stop_asked_.load()) return drop(fd);
      return write_stream(entry, connection.start_stream(std::move(sent.rest), write_deadline));
    }
    if (connection.state() != HttpConnection::State::streaming) return;
    if (!sent.stream_open->load()) return drop(fd);  // the route let go of it
    if (connection.backlog() + sent.rest.size() > kMaxStreamBacklog) {
      Poco::Logger::get("scanhook.http")
          .warning("closing the event stream of %s: it has not read %z bytes", connection.client(),
                   connection.backlog());
      closed_["write_timeout"]->add();
      return drop(fd);
    }
    write_stream(entry, connection.push(sent.rest, write_deadline));
  }

  void write_stream(Entry& entry, HttpConnection::Write result) {
    switch (result) {
      case HttpConnection::Write::failed: return drop(entry.connection->socket().impl()->sockfd());
      case HttpConnection::Write::more:
        return watch(entry, PollSet::POLL_READ | PollSet::POLL_WRITE);
      case HttpConnection::Write::done: return watch(entry, PollSet::POLL_READ);
    }
  }

  void handle_write(Entry& entry, HttpConnection::Write result) {
    switch (result) {
      case HttpConnection::Write::failed: return drop(entry.connection->socket().impl()->sockfd());
      case HttpConnection::Write::more: return watch(entry, PollSet::POLL_WRITE);
      case HttpConnection::Write::done: return reply_done(entry);
    }
  }

  // The reply is out: read the next request, or close.
  void reply_done(Entry& entry) {
    const auto now = Clock::now();
    HttpConnection& connection = *entry.connection;
    if (!entry.keep_open) {
      // Stopping, a client that has sent nothing more needs no lingering:
      // closing sends it no reset.
      if (stop_asked_.load() && !connection.unread())
        return drop(connection.socket().impl()->sockfd());
      connection.close(now + kLinger);
      watch(entry, PollSet::POLL_READ);
      return;
    }
    connection.next_request(now, now + limits_.keep_alive_timeout);
    watch(entry, PollSet::POLL_READ);
    if (connection.idle()) return;
    connection.set_deadline(now + limits_.header_timeout);  // pipelined: its head is (partly) in
    process(entry);
  }

  // ---- accepting and limits ----------------------------------------------

  void accept_all() {
    for (int i = 0; i < kAcceptBudget; ++i) {
      sockaddr_storage address{};
      socklen_t length = sizeof address;
      const int fd = ::accept4(listener_.impl()->sockfd(), reinterpret_cast<sockaddr*>(&address),
                               &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE) out_of_descriptors();
        return;
      }
      Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
      const Poco::Net::SocketAddress peer(reinterpret_cast<const sockaddr*>(&address), length);
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::string client = peer.host().toString();
      if (!make_room(client)) {
        closed_["limit"]->add();
        continue;  // `socket` goes: the connection is closed unread
      }
      const auto now = Clock::now();
      Entry entry;
      entry.connection = std::make_shared<HttpConnection>(
          socket, client, now, reading_deadline(now + limits_.header_timeout));
      entry.peer = peer;
      ++per_client_[client];
      ++*open_;
      Entry& added = entries_.emplace(fd, std::move(entry)).first->second;
      watch(added, PollSet::POLL_READ);
    }
  }

  // Room for one more connection from `client`, closing the longest-idle
  // ones past a limit; false when every connection in the way is busy.
  bool make_room(const std::string& client) {
    if (entries_.size() >= limits_.max_connections && !close_longest_idle(nullptr)) return false;
    const auto count = per_client_.find(client);
    if (count != per_client_.end() && count->second >= limits_.max_connections_per_client &&
        !close_longest_idle(&client))
      return false;
    return true;
  }

  bool close_longest_idle(const std::string* client) {
    int oldest = -1;
    Clock::time_point since = Clock::time_point::max();
    for (const auto& [fd, entry] : entries_) {
      const HttpConnection& connection = *entry.connection;
      if (!connection.idle() || (client != nullptr && connection.client() != *client)) continue;
      if (connection.idle_since() < since) {
        since = connection.idle_since();
        oldest = fd;
      }
    }
    if (oldest < 0) return false;
    closed_["limit"]->add();
    drop(oldest);
    return true;
  }

  // accept() found no free descriptor: free an idle one, or stop accepting for a moment.
  void out_of_descriptors() {
    if (close_longest_idle(nullptr)) return;
    Poco::Logger::get("scanhook.http")
        .warning("out of file descriptors with %z connections open: raise the open-files limit",
                 entries_.size());
    poll_set_.remove(listener_);
    accept_paused_ = true;
  }

  // ---- deadlines, stopping -----------------------------------------------

  void sweep() {
    const auto now = Clock::now();
    next_sweep_ = now + kSweepEvery;
    if (accept_paused_ && !stop_asked_.load()) {
      poll_set_.add(listener_, PollSet::POLL_READ);
      accept_paused_ = false;
    }
    std::vector<int> expired;
    for (const auto& [fd, entry] : entries_) {
      const auto state = entry.connection->state();
      if (state != HttpConnection::State::answering && entry.connection->deadline() <= now)
        expired.push_back(fd);
    }
    for (const int fd : expired) expire(fd);
  }

  void expire(int fd) {
    Entry& entry = entries_.at(fd);
    HttpConnection& connection = *entry.connection;
    switch (connection.state()) {
      case HttpConnection::State::waiting:
        closed_[entry.served ? "idle_timeout" : "header_timeout"]->add();
        return drop(fd);
      case HttpConnection::State::head:
        closed_["header_timeout"]->add();
        entry.framing = ReplyFraming{false, false, false};
        answering(entry, false)
            ->send(stop_started_
                       ? stopping_reply("the request head had not arrived whole")
                       : json_error(408, "the request head did not arrive within header_timeout (" +
                                             seconds_text(limits_.header_timeout) + ")"));
        return;
      case HttpConnection::State::body:
        closed_["body_timeout"]->add();
        entry.pending->fail(
            stop_started_
                ? stopping_reply("the request body had not arrived whole (" +
                                 std::to_string(connection.body_received()) + " bytes came)")
                : json_error(408, "the request body did not arrive in time (" +
                                      std::to_string(connection.body_received()) + " bytes came)"),
            answering(entry, false));
        return;
      case HttpConnection::State::writing:
      case HttpConnection::State::streaming: closed_["write_timeout"]->add(); return drop(fd);
      default: return drop(fd);
    }
  }

  // Stopping: no new connection; those accepted send their requests within
  // kStopReadGrace (or get a 503 to retry), requests taken are answered
  // within the grace, idle keep-alive connections and event streams close at once.
  void stopping() {
    const auto now = Clock::now();
    if (!stop_started_) {
      stop_started_ = true;
      stop_deadline_ = now + grace_;
      stop_read_until_ = now + kAcceptSettle + kStopReadGrace;
      accept_until_ = refuse_new_handshakes(listener_.impl()->sockfd()) ? now + kAcceptSettle : now;
      std::vector<int> idle;
      for (auto& [fd, entry] : entries_) {
        HttpConnection& connection = *entry.connection;
        if ((entry.served && connection.idle()) ||
            connection.state() == HttpConnection::State::streaming ||
            (connection.state() == HttpConnection::State::closing && !connection.unread()))
          idle.push_back(fd);
        else if (connection.state() == HttpConnection::State::waiting ||
                 connection.state() == HttpConnection::State::head ||
                 connection.state() == HttpConnection::State::body)
          connection.set_deadline(reading_deadline(connection.deadline()));
      }
      for (const int fd : idle) drop(fd);
    }
    if (listening_ && now >= accept_until_) {
      accept_all();  // the handshakes finished while the filter held new ones off
      if (!accept_paused_) poll_set_.remove(listener_);
      listener_.close();
      listening_ = false;
    }
    if ((listening_ || !entries_.empty()) && now < stop_deadline_) return;
    std::vector<int> all;
    for (const auto& [fd, entry] : entries_) all.push_back(fd);
    for (const int fd : all) drop(fd);
    finished_ = true;
  }

  // The deadline `wanted` for reading a request, shortened once stopping.
  Clock::time_point reading_deadline(Clock::time_point wanted) const {
    return stop_started_ ? std::min(wanted, stop_read_until_) : wanted;
  }

  // ---- bookkeeping -------------------------------------------------------

  void watch(Entry& entry, int mode) {
    if (entry.mode == mode) return;
    const Poco::Net::Socket& socket = entry.connection->socket();
    if (mode == 0)
      poll_set_.remove(socket);
    else if (entry.mode == 0)
      poll_set_.add(socket, mode);
    else
      poll_set_.update(socket, mode);
    entry.mode = mode;
  }

  // Forgets a connection. The descriptor closes once no reply writer holds
  // it, so a late reply can never reach another connection on the same number.
  void drop(int fd) {
    const auto found = entries_.find(fd);
    if (found == entries_.end()) return;
    Entry& entry = found->second;
    watch(entry, 0);
    if (entry.stream_open) entry.stream_open->store(false);
    try {
      entry.connection->socket().shutdown();
    } catch (const Poco::Exception&) {  // the peer is gone already
    }
    const auto count = per_client_.find(entry.connection->client());
    if (count != per_client_.end() && --count->second == 0) per_client_.erase(count);
    --*open_;
    entries_.erase(found);
  }

  Poco::Net::ServerSocket listener_;
  const ConnectionLimits limits_;
  const AdmitRequest admit_;
  WorkerPool& workers_;
  PollSet poll_set_;
  Poco::Net::DatagramSocket wake_;
  std::unordered_map<int, Entry> entries_;  // by descriptor
  std::unordered_map<std::string, std::size_t> per_client_;
  std::shared_ptr<std::atomic<std::size_t>> open_;  // read by /metrics after we are gone
  std::map<std::string, Counter*> closed_;
  Clock::time_point next_sweep_;
  bool accept_paused_ = false;

  std::mutex sent_mutex_;
  std::vector<SentReply> sent_;

  std::atomic<bool> stop_asked_{false};
  std::chrono::milliseconds grace_{0};
  bool stop_started_ = false;
  bool listening_ = true;
  bool finished_ = false;
  Clock::time_point stop_deadline_;
  Clock::time_point stop_read_until_;  // the latest deadline for reading a request
  Clock::time_point accept_until_;     // then the listener closes
};

ConnectionReactor::ConnectionReactor(Poco::Net::ServerSocket listener, ConnectionLimits limits,
                                     AdmitRequest admit, WorkerPool& workers, Metrics& metrics)
    : loop_(std::make_shared<Loop>(std::move(listener), limits, std::move(admit), workers,
                                   metrics)) {}

ConnectionReactor::~ConnectionReactor() {
  stop(std::chrono::milliseconds(0));
}

void ConnectionReactor::start() {
  thread_ = std::thread([loop = loop_] { loop->run(); });
}

void ConnectionReactor::stop(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  loop_->ask_stop(grace);
  thread_.join();
}

}  // namespace scanhook::core
