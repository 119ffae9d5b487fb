// Paths as another host wrote them: a webhook from a Windows *arr carries
// `C:\TV\Show`, which must be joined with `\`, never rewritten here.
#pragma once

#include <string>

namespace scanhook::support {

// True for `C:\...`, `C:/...` and UNC `\\server\share` paths.
bool is_windows_path(const std::string& path);

// `folder` + `relative` with the folder's own separator (`\` for Windows paths).
std::string join_host_path(const std::string& folder, const std::string& relative);

}  // namespace scanhook::support
