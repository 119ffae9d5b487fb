# Run at install time (install(SCRIPT)): puts the INI and the systemd unit
# where the system looks for them, which depends on the prefix, known only
# now. Prefix /usr (the .deb) puts the INI in /etc and the unit in
# /lib/systemd/system (Debian 12's place for packaged units); any other
# prefix keeps both under it. The unit is filled in with the installed paths.
# Set by the caller: SCANHOOK_SOURCE_DIR, SCANHOOK_BINARY_DIR.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(etc_dir "/etc")
  set(unit_dir "/lib/systemd/system")
else()
  set(etc_dir "${CMAKE_INSTALL_PREFIX}/etc")
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
set(SCANHOOKD "${CMAKE_INSTALL_PREFIX}/bin/scanhookd")
set(SCANHOOK_INI "${etc_dir}/scanhook/scanhook.ini")
# One file per prefix: installs to two prefixes may run at once (the tests do).
string(MD5 prefix_key "${CMAKE_INSTALL_PREFIX}")
set(unit "${SCANHOOK_BINARY_DIR}/install/scanhook-${prefix_key}.service")
configure_file("${SCANHOOK_SOURCE_DIR}/etc/scanhook.service.in" "${unit}" @ONLY)
# file(INSTALL) adds $DESTDIR itself.
file(INSTALL "${SCANHOOK_SOURCE_DIR}/etc/scanhook.ini" DESTINATION "${etc_dir}/scanhook")
file(INSTALL "${unit}" DESTINATION "${unit_dir}" RENAME scanhook.service)
