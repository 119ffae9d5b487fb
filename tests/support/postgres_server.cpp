#include "support/postgres_server.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "scanhook/core/store/postgres_connection.hpp"

namespace scanhook::testing {

namespace {

const std::string kScript = std::string(SCANHOOK_SOURCE_DIR) + "/tests/postgres/postgres_server.sh";

}  // namespace

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

PostgresServer::PostgresServer() {
  if (const char* state = std::getenv("SCANHOOK_TEST_POSTGRES_STATE")) {
    state_ = state;
  } else {
    state_ = (std::filesystem::temp_directory_path() /
              ("scanhook-postgres-" + std::to_string(::getpid()) + ".state"))
                 .string();
    if (std::system(("sh " + kScript + " start " + state_).c_str()) != 0)
      throw std::runtime_error("cannot start a PostgreSQL server for the tests (" + kScript + ")");
    own_ = true;
  }
  std::ifstream in(state_);
  std::getline(in, admin_url_);
  if (admin_url_.empty())
    throw std::runtime_error("no PostgreSQL server for the tests: " + state_ + " names none");
}

PostgresServer::~PostgresServer() {
  if (own_) std::system(("sh " + kScript + " stop " + state_).c_str());
}

std::string PostgresServer::fresh_database() {
  static std::atomic<int> made{0};
  const std::string name = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
  core::PostgresConnection admin(admin_url_, "");
  admin.execute("CREATE DATABASE " + name);
  return admin_url_.substr(0, admin_url_.rfind('/') + 1) + name;
}

}  // namespace scanhook::testing
