// libpq, loaded on the first PostgreSQL connection instead of at start-up:
// linked in, it maps its dependencies (GnuTLS, Kerberos, LDAP: ~3 MiB of
// resident memory, bench/README "After the house") into every scanhookd,
// although most run on SQLite. The functions are libpq's own (libpq-fe.h,
// libpq5 15 on Debian 12), reached through this table.
#pragma once

#include <libpq-fe.h>

namespace scanhook::core {

struct LibPq {
  decltype(&::PQcmdTuples) PQcmdTuples;
  decltype(&::PQconnectdbParams) PQconnectdbParams;
  decltype(&::PQconsumeInput) PQconsumeInput;
  decltype(&::PQclear) PQclear;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQexec) PQexec;
  decltype(&::PQexecPrepared) PQexecPrepared;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQfreemem) PQfreemem;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQnotifies) PQnotifies;
  decltype(&::PQntuples) PQntuples;
  decltype(&::PQprepare) PQprepare;
  decltype(&::PQreset) PQreset;
  decltype(&::PQresultErrorField) PQresultErrorField;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
  decltype(&::PQsocket) PQsocket;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQtransactionStatus) PQtransactionStatus;
  decltype(&::PQunescapeBytea) PQunescapeBytea;
};

// libpq.so.5, loaded once (thread-safe) and kept for the process's life.
// Throws SqlError naming the Debian package (libpq5) and the loader's reason
// when it cannot be loaded or lacks one of the functions; tries again on the
// next call.
const LibPq& libpq();

}  // namespace scanhook::core
