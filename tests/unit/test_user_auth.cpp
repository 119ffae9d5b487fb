#include <catch2/catch.hpp>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/http/form_body.hpp"
#include "support/expected_printing.hpp"
#include "support/manual_time.hpp"

using scanhook::HttpRequest;
using scanhook::core::address_without_port;
using scanhook::core::LoginRateLimiter;
using scanhook::core::SessionStore;
using scanhook::core::UserAuth;
using scanhook::core::UserVerdict;
using scanhook::testing::ManualTime;
using namespace std::chrono_literals;

namespace {

HttpRequest request(const std::string& method, scanhook::HeaderList headers) {
  HttpRequest r;
  r.method = method;
  r.path = "/api/x";
  r.headers = std::move(headers);
  r.remote_address = "127.0.0.1:5555";
  return r;
}

}  // namespace

TEST_CASE("sessions get distinct 256-bit ids and CSRF tokens and end after idling", "[session]") {
  ManualTime clock;
  SessionStore store(60s, 1000, clock);
  const auto a = store.create("admin");
  const auto b = store.create("admin");
  CHECK(a.id.size() == 64);
  CHECK(a.csrf_token.size() == 64);
  CHECK(a.id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a.id != b.id);
  CHECK(a.id != a.csrf_token);

  clock.advance(59s);
  REQUIRE(store.find(a.id));
  CHECK(store.find(a.id)->csrf_token == a.csrf_token);
  clock.advance(59s);  // used 59 s ago: still alive (idle time restarts on use)
  CHECK(store.find(a.id));
  CHECK_FALSE(store.find(b.id));  // idle 118 s
  clock.advance(61s);
  CHECK_FALSE(store.find(a.id));
  CHECK_FALSE(store.find(""));
}

TEST_CASE("removed sessions are gone, and the oldest goes when the store is full", "[session]") {
  ManualTime clock;
  SessionStore store(1h, 2, clock);
  const auto first = store.create("u");
  clock.advance(1s);
  const auto second = store.create("u");
  clock.advance(1s);
  const auto third = store.create("u");
  CHECK(store.size() == 2);
  CHECK_FALSE(store.find(first.id));
  CHECK(store.find(second.id));
  store.remove(second.id);
  CHECK_FALSE(store.find(second.id));
  CHECK(store.find(third.id));
}

TEST_CASE("five failed logins a minute from one address are allowed, the sixth waits",
          "[session]") {
  ManualTime clock;
  LoginRateLimiter limiter(5, 60s, clock);
  for (int i = 0; i < 5; ++i) {
    CHECK_FALSE(limiter.wait_time("10.0.0.1:4000"));
    limiter.record_failure("10.0.0.1:" + std::to_string(4000 + i));  // any port: same client
    clock.advance(10s);
  }
  // The first failure was 50 s ago: 10 s to wait.
  CHECK(limiter.wait_time("10.0.0.1:9999") == std::optional<std::chrono::seconds>(10s));
  CHECK_FALSE(limiter.wait_time("10.0.0.2:4000"));
  clock.advance(10s);
  CHECK_FALSE(limiter.wait_time("10.0.0.1:4000"));

  limiter.record_failure("10.0.0.3:1");
  limiter.record_success("10.0.0.3:2");
  for (int i = 0; i < 4; ++i) limiter.record_failure("10.0.0.3:1");
  CHECK_FALSE(limiter.wait_time("10.0.0.3:1"));  // success cleared the count
  CHECK(address_without_port("[::1]:80") == "::1");
  CHECK(address_without_port("::1") == "::1");
  CHECK(address_without_port("192.168.1.2:80") == "192.168.1.2");
}

TEST_CASE("Basic needs no CSRF token, a session needs it on every change", "[session]") {
  UserAuth auth("admin", "secret");
  const std::string basic = "Basic YWRtaW46c2VjcmV0";  // admin:secret
  CHECK(auth.check(request("POST", {{"Authorization", basic}})).outcome == UserVerdict::allowed);
  auto verdict = auth.check(request("GET", {{"Authorization", "Basic YWRtaW46d3Jvbmc="}}));
  CHECK(verdict.outcome == UserVerdict::needs_login);
  CHECK(verdict.message == "wrong username or password");
  CHECK(verdict.basic_challenge);

  const auto session = auth.sessions().create("admin");
  const std::string cookie = "theme=dark; scanhook_session=" + session.id;
  std::string wrong_token = session.csrf_token;
  wrong_token[0] = wrong_token[0] == '0' ? '1' : '0';
  CHECK(auth.check(request("GET", {{"Cookie", cookie}})).outcome == UserVerdict::allowed);
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    verdict = auth.check(request(method, {{"Cookie", cookie}}));
    CHECK(verdict.outcome == UserVerdict::refused);
    CHECK(verdict.message ==
          "missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/session");
    CHECK(
        auth.check(request(method, {{"Cookie", cookie}, {"X-CSRF-Token", wrong_token}})).outcome ==
        UserVerdict::refused);
    CHECK(auth.check(request(method, {{"Cookie", cookie}, {"X-CSRF-Token", session.csrf_token}}))
              .outcome == UserVerdict::allowed);
  }
}

TEST_CASE("failed Basic logins are limited per address like the login form's", "[session]") {
  UserAuth auth("admin", "secret");
  const std::string right = "Basic YWRtaW46c2VjcmV0", wrong = "Basic YWRtaW46d3Jvbmc=";
  for (int i = 0; i < 5; ++i)
    CHECK(auth.check(request("GET", {{"Authorization", wrong}})).outcome ==
          UserVerdict::needs_login);
  const auto verdict = auth.check(request("GET", {{"Authorization", right}}));
  CHECK(verdict.outcome == UserVerdict::too_many_attempts);
  CHECK(verdict.retry_after.count() > 0);
  CHECK(verdict.message == scanhook::core::too_many_logins_message(verdict.retry_after));
  // The form counts the same failures.
  CHECK(auth.login_limiter().wait_time("127.0.0.1:5555").has_value());
}

TEST_CASE("the session cookie is Secure when the proxy in front says the browser used HTTPS",
          "[session]") {
  using scanhook::core::reached_over_https;
  using scanhook::core::session_cookie_header;
  CHECK_FALSE(reached_over_https(request("GET", {})));
  CHECK(reached_over_https(request("GET", {{"X-Forwarded-Proto", "https"}})));
  CHECK(reached_over_https(request("GET", {{"X-Forwarded-Proto", " HTTPS , http"}})));
  CHECK_FALSE(reached_over_https(request("GET", {{"X-Forwarded-Proto", "http, https"}})));
  CHECK(reached_over_https(request("GET", {{"Forwarded", "for=1.2.3.4;proto=https;host=a"}})));
  CHECK(reached_over_https(request("GET", {{"Forwarded", "Proto=\"https\", proto=http"}})));
  CHECK_FALSE(reached_over_https(request("GET", {{"Forwarded", "for=1.2.3.4, proto=https"}})));
  CHECK_FALSE(reached_over_https(request("GET", {{"Forwarded", "proto=http"}})));

  UserAuth auth("admin", "secret");
  const auto session = auth.sessions().create("admin");
  CHECK(session_cookie_header(session, request("POST", {{"X-Forwarded-Proto", "https"}})) ==
        "scanhook_session=" + session.id + "; HttpOnly; SameSite=Strict; Path=/; Secure");
  CHECK(session_cookie_header(session, request("POST", {})) ==
        "scanhook_session=" + session.id + "; HttpOnly; SameSite=Strict; Path=/");
  CHECK(scanhook::core::cleared_session_cookie_header(
            request("POST", {{"X-Forwarded-Proto", "https"}})) ==
        "scanhook_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure");
}

TEST_CASE("without a login the browser gets no Basic prompt, an ended session says so",
          "[session]") {
  UserAuth auth("admin", "secret");
  auto verdict = auth.check(request("GET", {}));
  CHECK(verdict.outcome == UserVerdict::needs_login);
  CHECK(verdict.message == "authentication required: log in, or use HTTP Basic");
  CHECK(verdict.basic_challenge);
  verdict = auth.check(request("GET", {{"Sec-Fetch-Mode", "cors"}}));
  CHECK_FALSE(verdict.basic_challenge);
  verdict = auth.check(request("GET", {{"Cookie", "scanhook_session=gone"}}));
  CHECK(verdict.outcome == UserVerdict::needs_login);
  CHECK(verdict.message == "your session has ended: log in again");
}

TEST_CASE("cross-site changes are refused even with good credentials", "[session]") {
  UserAuth auth("admin", "secret");
  const std::string basic = "Basic YWRtaW46c2VjcmV0";
  const auto session = auth.sessions().create("admin");
  const scanhook::HeaderList good = {{"Host", "127.0.0.1:3030"},
                                     {"Authorization", basic},
                                     {"Cookie", "scanhook_session=" + session.id},
                                     {"X-CSRF-Token", session.csrf_token}};
  auto with = [&](scanhook::HeaderList extra) {
    auto headers = good;
    headers.insert(headers.end(), extra.begin(), extra.end());
    return headers;
  };
  CHECK(auth.check(request("POST", with({{"Origin", "http://127.0.0.1:3030"}}))).outcome ==
        UserVerdict::allowed);
  CHECK(auth.check(request("POST", with({{"Sec-Fetch-Site", "same-origin"}}))).outcome ==
        UserVerdict::allowed);
  CHECK(auth.check(request("POST", with({{"Sec-Fetch-Site", "none"}}))).outcome ==
        UserVerdict::allowed);
  for (const auto& extra : std::vector<scanhook::HeaderList>{{{"Sec-Fetch-Site", "cross-site"}},
                                                             {{"Sec-Fetch-Site", "same-site"}},
                                                             {{"Origin", "http://evil.example"}},
                                                             {{"Origin", "http://127.0.0.1:3031"}},
                                                             {{"Origin", "null"}}}) {
    const auto verdict = auth.check(request("POST", with(extra)));
    CHECK(verdict.outcome == UserVerdict::refused);
    CHECK(verdict.message == "cross-site request refused");
  }
  // A same-origin form post under Referrer-Policy: no-referrer says Origin: null.
  CHECK(auth.check(request("POST", with({{"Sec-Fetch-Site", "same-origin"}, {"Origin", "null"}})))
            .outcome == UserVerdict::allowed);
  CHECK(auth.check(request("POST", with({{"Sec-Fetch-Site", "cross-site"},
                                         {"Origin", "http://127.0.0.1:3030"}})))
            .outcome == UserVerdict::refused);
  // Reading is not a change.
  CHECK(auth.check(request("GET", with({{"Sec-Fetch-Site", "cross-site"}}))).outcome ==
        UserVerdict::allowed);
}

TEST_CASE("with no credentials anyone on loopback may call, but a session still needs CSRF",
          "[session]") {
  UserAuth auth("", "");
  CHECK_FALSE(auth.login_required());
  CHECK(auth.check(request("POST", {})).outcome == UserVerdict::allowed);
  const auto session = auth.sessions().create("");
  CHECK(auth.check(request("POST", {{"Cookie", "scanhook_session=" + session.id}})).outcome ==
        UserVerdict::refused);
  CHECK(auth.check(request("POST", {{"Origin", "http://evil.example"}, {"Host", "127.0.0.1:1"}}))
            .outcome == UserVerdict::refused);
}

TEST_CASE("form fields are decoded, and a bad %-escape is refused saying so", "[session]") {
  using scanhook::core::form_field;
  const std::string body = "username=ad%20min&password=p%26ss+word%3D&x";
  CHECK(form_field(body, "username") == "ad min");
  CHECK(form_field(body, "password") == "p&ss word=");
  CHECK(form_field(body, "x").empty());
  CHECK(form_field(body, "missing").empty());
  CHECK_THROWS_AS(form_field("dir=%zz", "dir"), scanhook::core::FormError);
  CHECK_THROWS_WITH(scanhook::core::form_values("a=1&dir=%zz", "a"),
                    Catch::Contains("the form body is not valid URL encoding"));
}

TEST_CASE("without credentials only loopback Hosts and server_names are served, others get 421",
          "[door]") {
  scanhook::core::DoorRules rules;
  rules.server_names = {"scanhook.example.com", "nas.local:3030", "[fd00::5]"};
  UserAuth open("", "", 12h, rules);
  for (const char* host :
       {"127.0.0.1:3030", "127.0.0.1", "127.8.9.10:80", "localhost", "LOCALHOST:3030", "localhost.",
        "[::1]:3030", "[::1]", "scanhook.example.com", "Scanhook.Example.COM:443", "nas.local:3030",
        "[fd00::5]:3030"}) {
    INFO(host);
    CHECK(open.host_allowed(host));
    CHECK_FALSE(open.gate(request("GET", {{"Host", host}}), scanhook::core::Access::open));
  }
  for (const char* host : {"evil.example:3030", "evil.example", "127.0.0.1.evil.example",
                           "localhost.evil.example", "nas.local:3031", "nas.local",
                           "192.168.1.5:3030", "[::2]", "", "scanhook.example.com.evil"}) {
    INFO(host);
    CHECK_FALSE(open.host_allowed(host));
    const auto refusal = open.gate(request("GET", {{"Host", host}}), scanhook::core::Access::user);
    REQUIRE(refusal);
    CHECK(refusal->status == 421);
    CHECK_THAT(refusal->body, Catch::Contains("[server] server_name"));
  }
  // With credentials every request is authenticated anyway: any Host is served.
  UserAuth locked("admin", "secret");
  CHECK_FALSE(
      locked.gate(request("GET", {{"Host", "evil.example"}}), scanhook::core::Access::open));
}

TEST_CASE(
    "without credentials a request without Host (HTTP/1.0) is answered only from a loopback peer",
    "[door]") {
  UserAuth open("", "");
  HttpRequest no_host = request("GET", {});
  for (const char* peer : {"127.0.0.1:5555", "127.3.4.5:80", "[::1]:5555"}) {
    INFO(peer);
    no_host.remote_address = peer;
    CHECK_FALSE(open.gate(no_host, scanhook::core::Access::open));
  }
  // X-Forwarded-For is no host name: it cannot make a far peer loopback.
  no_host.headers = {{"X-Forwarded-For", "127.0.0.1"}};
  for (const char* peer : {"192.0.2.7:5555", "[fd00::2]:5555", "not an address"}) {
    INFO(peer);
    no_host.remote_address = peer;
    const auto refusal = open.gate(no_host, scanhook::core::Access::open);
    REQUIRE(refusal);
    CHECK(refusal->status == 421);
    CHECK_THAT(refusal->body, Catch::Contains("without Host is answered only from loopback"));
  }
  // With credentials every request is authenticated anyway.
  UserAuth locked("admin", "secret");
  CHECK_FALSE(locked.gate(no_host, scanhook::core::Access::open));
}

TEST_CASE(
    "a browser's cross-site change to a webhook route is refused unless it has the CSRF token",
    "[door]") {
  UserAuth auth("", "");
  const auto session = auth.sessions().create("");
  const auto webhook = scanhook::core::Access::webhook;
  const scanhook::HeaderList host{{"Host", "127.0.0.1:3030"}};
  auto with = [&](scanhook::HeaderList extra) {
    auto headers = host;
    headers.insert(headers.end(), extra.begin(), extra.end());
    return headers;
  };
  // Server-to-server webhooks send neither Origin nor Sec-Fetch-Site.
  CHECK_FALSE(auth.gate(request("POST", host), webhook));
  CHECK_FALSE(auth.gate(request("POST", with({{"Sec-Fetch-Site", "same-origin"}})), webhook));
  CHECK_FALSE(auth.gate(request("GET", with({{"Sec-Fetch-Site", "cross-site"}})), webhook));
  for (const auto& extra : std::vector<scanhook::HeaderList>{
           {{"Sec-Fetch-Site", "cross-site"}},
           {{"Origin", "http://evil.example"}},
           {{"Sec-Fetch-Site", "cross-site"}, {"Cookie", "scanhook_session=" + session.id}},
           {{"Sec-Fetch-Site", "cross-site"},
            {"Cookie", "scanhook_session=" + session.id},
            {"X-CSRF-Token", "wrong"}}}) {
    const auto refusal = auth.gate(request("POST", with(extra)), webhook);
    REQUIRE(refusal);
    CHECK(refusal->status == 403);
  }
  CHECK_FALSE(auth.gate(request("POST", with({{"Sec-Fetch-Site", "cross-site"},
                                              {"Cookie", "scanhook_session=" + session.id},
                                              {"X-CSRF-Token", session.csrf_token}})),
                        webhook));
}

TEST_CASE("a trusted proxy's X-Forwarded-For names the client, and nobody else's does", "[door]") {
  const scanhook::core::TrustedProxies proxies({"10.0.0.0/8, 192.168.1.1", "fd00::/8"});
  auto from = [](const std::string& peer, scanhook::HeaderList headers) {
    HttpRequest r;
    r.remote_address = peer;
    r.headers = std::move(headers);
    return r;
  };
  CHECK(proxies.trusts("10.200.3.4"));
  CHECK(proxies.trusts("::ffff:10.0.0.1"));
  CHECK(proxies.trusts("fd12::1"));
  CHECK_FALSE(proxies.trusts("11.0.0.1"));
  CHECK_FALSE(proxies.trusts("192.168.1.2"));
  CHECK(proxies.client_address(from("10.0.0.2:5000", {{"X-Forwarded-For", "203.0.113.9"}})) ==
        "203.0.113.9");
  // The rightmost hop our proxies did not add; what the client claimed further left is ignored.
  CHECK(proxies.client_address(from("10.0.0.2:5000", {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9"},
                                                      {"X-Forwarded-For", "10.0.0.3"}})) ==
        "203.0.113.9");
  CHECK(proxies.client_address(from("[fd00::1]:5000", {{"X-Forwarded-For", "2001:db8::7"}})) ==
        "2001:db8::7");
  // An untrusted peer's header is its own claim.
  CHECK(proxies.client_address(from("203.0.113.9:5000", {{"X-Forwarded-For", "10.0.0.1"}})) ==
        "203.0.113.9");
  CHECK(proxies.client_address(from("10.0.0.2:5000", {})) == "10.0.0.2");
  CHECK(proxies.client_address(from("10.0.0.2:5000", {{"X-Forwarded-For", "unknown"}})) ==
        "10.0.0.2");
  CHECK(scanhook::core::TrustedProxies().client_address(
            from("10.0.0.2:5000", {{"X-Forwarded-For", "203.0.113.9"}})) == "10.0.0.2");

  CHECK(scanhook::core::TrustedProxies::check("10.0.0.0/33").error().message ==
        "\"10.0.0.0/33\": the prefix length must be 0 to 32");
  CHECK(scanhook::core::TrustedProxies::check("proxy.lan").error().message ==
        "\"proxy.lan\" is not an IP address or CIDR such as 10.0.0.0/8");
  CHECK(scanhook::core::TrustedProxies::check("2001:db8::/32 0.0.0.0/0"));
}

TEST_CASE("one client behind a trusted proxy locks out only itself", "[door][limits]") {
  scanhook::core::DoorRules rules;
  rules.trusted_proxies = scanhook::core::TrustedProxies({"127.0.0.1"});
  UserAuth auth("admin", "secret", 12h, rules);
  auto via_proxy = [](const std::string& client, const std::string& basic) {
    auto r = request("GET", {{"Authorization", basic}, {"X-Forwarded-For", client}});
    r.remote_address = "127.0.0.1:44444";
    return r;
  };
  const std::string wrong = "Basic YWRtaW46d3Jvbmc=";
  const std::string right = "Basic YWRtaW46c2VjcmV0";
  for (int i = 0; i < 5; ++i)
    CHECK(auth.check(via_proxy("198.51.100.1", wrong)).outcome == UserVerdict::needs_login);
  CHECK(auth.check(via_proxy("198.51.100.1", right)).outcome == UserVerdict::too_many_attempts);
  CHECK(auth.check(via_proxy("198.51.100.2", right)).outcome == UserVerdict::allowed);
}
