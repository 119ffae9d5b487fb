# The Debian packages, made by CPack from the install rules:
#   cd build && cpack -G DEB      (or: cmake --build build --target package)
# scanhook      /usr/bin/scanhookd, /usr/lib/scanhook/plugins/*.so,
#               /etc/scanhook/scanhook.ini (a conffile), the systemd unit, the
#               maintainer scripts that create and remove the scanhook user
# scanhook-dev  the plugin SDK: headers and the CMake package scanhook-sdk
# Install components: "runtime" and "dev".

set(packaging_dir "${PROJECT_SOURCE_DIR}/packaging")
set(package_build_dir "${PROJECT_BINARY_DIR}/packaging")

# Each package's /usr/share/doc/<package>: the copyright and the (native
# package's) changelog, gzipped without a timestamp as Debian wants it.
configure_file("${packaging_dir}/changelog.in" "${package_build_dir}/changelog" @ONLY)
add_custom_command(
  OUTPUT "${package_build_dir}/changelog.gz"
  COMMAND gzip -9 -n -c "${package_build_dir}/changelog" > "${package_build_dir}/changelog.gz"
  DEPENDS "${package_build_dir}/changelog"
  VERBATIM)
add_custom_target(package_changelog ALL DEPENDS "${package_build_dir}/changelog.gz")
foreach(component_package IN ITEMS "runtime;scanhook" "dev;scanhook-dev")
  list(GET component_package 0 component)
  list(GET component_package 1 package)
  install(FILES "${packaging_dir}/copyright" "${package_build_dir}/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}" COMPONENT ${component})
endforeach()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "scanhook")
set(CPACK_PACKAGE_VENDOR "scanhook")
set(CPACK_PACKAGE_CONTACT "scanhook maintainers <maintainers@users.noreply.b-seed-52422530.example>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
# Installed with prefix /usr under DESTDIR, so the absolute /etc and
# /lib/systemd destinations of cmake/InstallSystemFiles.cmake land inside the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "scanhook")
string(CONCAT CPACK_COMPONENT_RUNTIME_DESCRIPTION
       "relays media changes to partial library scans\n"
       "scanhook turns the changes that Sonarr, Radarr, Lidarr, Readarr, Plex, Emby,\n"
       "Jellyfin and rclone report into the smallest set of partial library scans\n"
       "on Plex, Emby and Jellyfin, through a durable queue.")
# Library packages from dpkg-shlibdeps; adduser for the maintainer scripts;
# libpq5, which scanhookd loads only for a PostgreSQL database
# (core/src/store/libpq_library.cpp), so dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser, libpq5")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA)
foreach(file IN ITEMS conffiles postinst prerm postrm)
  list(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA "${packaging_dir}/${file}")
endforeach()

set(CPACK_DEBIAN_DEV_PACKAGE_NAME "scanhook-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE "all")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "devel")
string(CONCAT CPACK_COMPONENT_DEV_DESCRIPTION
       "plugin SDK for scanhook\n"
       "The header-only C++17 SDK for writing scanhook source, target and service\n"
       "plugins, and the CMake package scanhook-sdk with scanhook_sdk_add_plugin().")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "scanhook (= ${PROJECT_VERSION})")

include(CPack)
