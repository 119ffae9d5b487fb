// etc/scanhook.ini as it was at build time: what scanhookd runs on without --config.
#pragma once

namespace scanhook::core {

const char* default_config_text();

}  // namespace scanhook::core
