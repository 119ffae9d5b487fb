#include "scanhook/core/store/libpq_library.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "scanhook/core/store/sql_statement.hpp"

namespace scanhook::core {

namespace {

constexpr const char* kLibPq = "libpq.so.5";

SqlError load_failure(const std::string& why) {
  return SqlError("PostgreSQL needs libpq (" + std::string(kLibPq) +
                  ", Debian package libpq5), which could not be loaded: " + why);
}

template <typename Function>
void bind(void* library, Function& function, const char* name) {
  function = reinterpret_cast<Function>(::dlsym(library, name));
  if (function == nullptr) throw load_failure(std::string("it has no ") + name);
}

LibPq load() {
  void* library = ::dlopen(kLibPq, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = ::dlerror();
    throw load_failure(reason ? reason : "unknown reason");
  }
  LibPq pq{};
  try {
#define SCANHOOK_BIND(name) bind(library, pq.name, #name)
    SCANHOOK_BIND(PQcmdTuples);
    SCANHOOK_BIND(PQconnectdbParams);
    SCANHOOK_BIND(PQconsumeInput);
    SCANHOOK_BIND(PQclear);
    SCANHOOK_BIND(PQerrorMessage);
    SCANHOOK_BIND(PQexec);
    SCANHOOK_BIND(PQexecPrepared);
    SCANHOOK_BIND(PQfinish);
    SCANHOOK_BIND(PQfreemem);
    SCANHOOK_BIND(PQgetisnull);
    SCANHOOK_BIND(PQgetlength);
    SCANHOOK_BIND(PQgetvalue);
    SCANHOOK_BIND(PQnotifies);
    SCANHOOK_BIND(PQntuples);
    SCANHOOK_BIND(PQprepare);
    SCANHOOK_BIND(PQreset);
    SCANHOOK_BIND(PQresultErrorField);
    SCANHOOK_BIND(PQresultStatus);
    SCANHOOK_BIND(PQsetNoticeProcessor);
    SCANHOOK_BIND(PQsocket);
    SCANHOOK_BIND(PQstatus);
    SCANHOOK_BIND(PQtransactionStatus);
    SCANHOOK_BIND(PQunescapeBytea);
#undef SCANHOOK_BIND
  } catch (...) {
    ::dlclose(library);
    throw;
  }
  return pq;  // the library stays loaded: its functions are used until exit
}

}  // namespace

const LibPq& libpq() {
  static std::mutex mutex;
  static LibPq loaded{};
  static bool ready = false;
  std::lock_guard lock(mutex);
  if (!ready) {
    loaded = load();
    ready = true;
  }
  return loaded;
}

}  // namespace scanhook::core
