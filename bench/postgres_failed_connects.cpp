// Memory over many failed PostgreSQL connects: what a scanhookd whose
// database is down does for as long as it is down. Prints the process's RSS
// (VmRSS) and glibc's heap in use every tenth of the attempts.
//
//   postgres_failed_connects [ATTEMPTS] [ours|poco] [CONNINFO]
//
// ours: PostgresConnection (libpq's PQconnectdbParams, PQfinish on failure);
// poco: Poco 1.11's PostgreSQL connector, which scanhook used before (its
// SessionHandle::connect leaks libpq's connection object on each failure).
// CONNINFO: libpq's key=value form (both read it); default loopback port 1,
// where nothing listens (privileged), so each attempt is refused at once.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <malloc.h>

#include <fstream>
#include <iostream>
#include <string>

#include "scanhook/core/store/postgres_connection.hpp"

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int attempts = argc > 1 ? std::stoi(argv[1]) : 5000;
  const std::string mode = argc > 2 ? argv[2] : "ours";
  const std::string conninfo =
      argc > 3 ? argv[3] : "host=127.0.0.1 port=1 user=scanhook dbname=none";
  if (mode != "ours" && mode != "poco") {
    std::cerr << "usage: postgres_failed_connects [ATTEMPTS] [ours|poco] [CONNINFO]\n";
    return 2;
  }
  Poco::Data::PostgreSQL::Connector::registerConnector();
  std::cout << "attempts\trss_kib\theap_in_use_kib\t(" << mode << ", " << conninfo << ")\n";
  int failed = 0;
  for (int i = 0; i <= attempts; ++i) {
    if (i % (attempts / 10 > 0 ? attempts / 10 : 1) == 0)
      std::cout << i << '\t' << rss_kib() << '\t' << mallinfo2().uordblks / 1024 << std::endl;
    if (i == attempts) break;
    try {
      if (mode == "ours")
        scanhook::core::PostgresConnection connection(conninfo, "");
      else
        Poco::Data::Session session(Poco::Data::PostgreSQL::Connector::KEY, conninfo);
    } catch (const scanhook::core::PostgresError&) {
      ++failed;
    } catch (const Poco::Exception&) {
      ++failed;
    }
  }
  std::cout << failed << " of " << attempts << " connects failed\n";
  return failed == attempts ? 0 : 1;
}
