#include "support/keep_alive_post.hpp"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <sstream>

namespace scanhook::testing {

int keep_alive_post(Poco::Net::HTTPClientSession& session, const std::string& path,
                    const std::string& body) {
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream ignored;
    ignored << in.rdbuf();
    return static_cast<int>(response.getStatus());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace scanhook::testing
