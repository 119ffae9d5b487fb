// A webhook client under load: POSTs a JSON body on a kept-alive session and
// tells "the daemon is gone" (0) apart from its answers.
#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <string>

namespace scanhook::testing {

// The answer's status, or 0 when the daemon did not answer (killed, closed).
int keep_alive_post(Poco::Net::HTTPClientSession& session, const std::string& path,
                    const std::string& body);

}  // namespace scanhook::testing
