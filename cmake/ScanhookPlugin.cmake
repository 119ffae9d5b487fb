# scanhook_add_plugin(NAME SOURCES file.cpp ... [LIBRARIES lib ...])
#
# Builds plugins/<NAME> as a loadable module `scanhook_<NAME>.so` in the one
# plugin build folder: hidden visibility (only the descriptor is exported),
# no undefined symbols, and installed beside the others.
set(SCANHOOK_PLUGIN_EXPORTS_MAP "${CMAKE_CURRENT_LIST_DIR}/plugin-exports.map")

function(scanhook_add_plugin name)
  cmake_parse_arguments(PLUGIN "" "" "SOURCES;LIBRARIES" ${ARGN})
  set(target scanhook_${name})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE scanhook::sdk ${PLUGIN_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${name}"
    LIBRARY_OUTPUT_DIRECTORY "${SCANHOOK_PLUGIN_BUILD_DIR}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,--no-undefined
                      "-Wl,--version-script=${SCANHOOK_PLUGIN_EXPORTS_MAP}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${SCANHOOK_PLUGIN_EXPORTS_MAP}")
  scanhook_set_warnings(${target})
  install(TARGETS ${target} LIBRARY DESTINATION "${SCANHOOK_INSTALL_PLUGIN_DIR}" COMPONENT runtime)
  set_property(GLOBAL APPEND PROPERTY SCANHOOK_PLUGIN_TARGETS ${target})
endfunction()
