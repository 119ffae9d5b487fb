#include "scanhook/core/http/reply_writer.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>
#include <sys/socket.h>

#include <cerrno>

namespace scanhook::core {

namespace {

bool has_body(const HttpReply& reply, const ReplyFraming& framing) {
  return !framing.head && reply.status != 204 && reply.status != 304;
}

// The status line, Date, Connection and the reply's own headers, without the last line end.
std::string head_lines(const HttpReply& reply, const ReplyFraming& framing, bool closes) {
  const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status);
  std::string out;
  out.reserve(256 + reply.body.size());
  out += framing.http_1_0 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(reply.status);
  out += ' ';
  out += Poco::Net::HTTPResponse::getReasonForStatus(status);
  out += "\r\nDate: ";
  out += Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT);
  out += closes ? "\r\nConnection: Close" : "\r\nConnection: Keep-Alive";
  for (const auto& [name, value] : reply.headers) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  return out;
}

}  // namespace

bool write_available(int fd, const std::string& bytes, std::size_t& offset) {
  while (offset < bytes.size()) {
    const ssize_t written =
        ::send(fd, bytes.data() + offset, bytes.size() - offset, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (written > 0) {
      offset += static_cast<std::size_t>(written);
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else {
      return written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  return true;
}

bool closes_connection(const HttpReply& reply, const ReplyFraming& framing) {
  return !framing.keep_alive || reply.status == 400 || reply.status == 413;
}

std::string render_reply(const HttpReply& reply, const ReplyFraming& framing) {
  const bool body = has_body(reply, framing);
  std::string out = head_lines(reply, framing, closes_connection(reply, framing));
  if (body) {
    out += "\r\nContent-Type: ";
    out += reply.content_type;
  }
  out += "\r\nContent-Length: ";
  out += std::to_string(body ? reply.body.size() : 0);
  out += "\r\n\r\n";
  if (body) out += reply.body;
  return out;
}

std::string render_stream_head(const HttpReply& reply, const ReplyFraming& framing) {
  // Cache-Control: a proxy must not hold the events back; X-Accel-Buffering: nginx's switch for it.
  return head_lines(reply, framing, true) +
         "\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no"
         "\r\nContent-Type: text/event-stream; charset=utf-8\r\n\r\n";
}

ReplyWriter::ReplyWriter(const Poco::Net::StreamSocket& socket, ReplyFraming framing,
                         ReplySent sent, StreamOpened stream_opened)
    : socket_(socket),
      framing_(framing),
      sent_(std::move(sent)),
      stream_opened_(std::move(stream_opened)) {}

std::shared_ptr<EventStream> ReplyWriter::open_stream(const HttpReply& head) {
  if (!stream_opened_ || framing_.head) {
    send(head);
    return nullptr;
  }
  if (answered_.exchange(true, std::memory_order_acq_rel)) return nullptr;
  std::string bytes = render_stream_head(head, framing_);
  std::size_t offset = 0;
  if (!write_available(socket_.impl()->sockfd(), bytes, offset)) {
    sent_("", false);  // the peer is gone: the connection ends
    return nullptr;
  }
  bytes.erase(0, offset);
  return stream_opened_(std::move(bytes));
}

void ReplyWriter::send(const HttpReply& reply) {
  if (answered_.exchange(true, std::memory_order_acq_rel)) return;
  std::string bytes = render_reply(reply, framing_);
  std::size_t offset = 0;
  const bool peer_there = write_available(socket_.impl()->sockfd(), bytes, offset);
  bytes.erase(0, peer_there ? offset : bytes.size());
  sent_(std::move(bytes), peer_there && !closes_connection(reply, framing_));
}

}  // namespace scanhook::core
