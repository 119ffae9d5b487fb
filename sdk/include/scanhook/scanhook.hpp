// The whole plugin SDK in one include.
#pragma once

#include "scanhook/abi.hpp"
#include "scanhook/config_key.hpp"
#include "scanhook/config_value.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/host.hpp"
#include "scanhook/http.hpp"
#include "scanhook/instance.hpp"
#include "scanhook/notifier.hpp"
#include "scanhook/plugin.hpp"
#include "scanhook/polling_source.hpp"
#include "scanhook/result.hpp"
#include "scanhook/scan_event.hpp"
#include "scanhook/service.hpp"
#include "scanhook/target.hpp"
#include "scanhook/webhook_source.hpp"
