// A real PostgreSQL server for the tests: the one ctest's fixture started
// (tests/postgres/postgres_server.sh; its state file in
// SCANHOOK_TEST_POSTGRES_STATE), or else one this process starts through the
// same script and stops at exit. Each test takes a fresh database on it.
#pragma once

#include <string>

namespace scanhook::testing {

class PostgresServer {
 public:
  static PostgresServer& shared();
  ~PostgresServer();

  // postgresql://scanhook@127.0.0.1:PORT/<new empty database>
  std::string fresh_database();

 private:
  PostgresServer();
  std::string state_;  // the script's state file
  bool own_ = false;   // started by this process
  std::string admin_url_;
};

}  // namespace scanhook::testing
