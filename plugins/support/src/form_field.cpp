#include "scanhook/support/form_field.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/String.h>

#include <cctype>
#include <istream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace scanhook::support {

namespace {

// Reads file parts to the end without keeping them.
class DiscardingPartHandler final : public Poco::Net::PartHandler {
 public:
  void handlePart(const Poco::Net::MessageHeader&, std::istream& stream) override {
    stream.ignore(std::numeric_limits<std::streamsize>::max());
  }
};

}  // namespace

bool is_form(const std::string& content_type) {
  try {
    const Poco::Net::MediaType type(content_type);
    return type.matches("multipart", "form-data") ||
           type.matches("application", "x-www-form-urlencoded");
  } catch (const Poco::Exception&) {
    return false;
  }
}

std::optional<std::string> form_field(const std::string& body, const std::string& content_type,
                                      const std::string& name) {
  if (!is_form(content_type)) throw std::runtime_error("not a form: Content-Type " + content_type);
  // Poco says only "Not found: boundary" or "No boundary line found".
  const Poco::Net::MediaType type(content_type);
  if (type.matches("multipart", "form-data")) {
    if (!type.hasParameter("boundary") || type.getParameter("boundary").empty())
      throw std::runtime_error(
          "unreadable form body: a multipart/form-data Content-Type must name its boundary "
          "(multipart/form-data; boundary=...), and this one names none");
    const std::string delimiter = "--" + type.getParameter("boundary");
    if (body.find(delimiter) == std::string::npos) {
      std::string shown = delimiter.substr(0, 80);  // RFC 2046 boundaries are printable ASCII
      for (auto& c : shown)
        if (!std::isgraph(static_cast<unsigned char>(c))) c = '?';
      throw std::runtime_error("unreadable form body: the boundary its Content-Type names (" +
                               shown + ") is nowhere in the body");
    }
  }
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/");
  request.setContentType(content_type);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  std::istringstream stream(body);
  Poco::Net::HTMLForm form;
  DiscardingPartHandler files;
  try {
    form.load(request, stream, files);
  } catch (const Poco::Exception& error) {
    throw std::runtime_error("unreadable form body: " + error.displayText());
  }
  if (!form.has(name)) return std::nullopt;
  return form.get(name);
}

}  // namespace scanhook::support
