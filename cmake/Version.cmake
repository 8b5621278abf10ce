# The interface target intake_version: version.h (INTAKE_VERSION, INTAKE_GIT_COMMIT,
# INTAKE_RELATIVE_DATA_DIR) in the build tree, refreshed before every build of what links it.
find_package(Git QUIET)
set(INTAKE_GIT_COMMIT "" CACHE STRING
    "Commit reported by intake --version (empty: git describe of the source tree, else 'unknown')")

file(RELATIVE_PATH _intake_rel_data "${CMAKE_INSTALL_FULL_BINDIR}" "${CMAKE_INSTALL_FULL_DATADIR}/intake")
set(_intake_gen_dir "${CMAKE_BINARY_DIR}/generated")
set(_intake_version_args
    "-DVERSION=${PROJECT_VERSION}" "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}" "-DOUTPUT=${_intake_gen_dir}/version.h"
    "-DTEMPLATE=${CMAKE_CURRENT_LIST_DIR}/version.h.in" "-DRELATIVE_DATA_DIR=${_intake_rel_data}"
    "-DGIT=${GIT_EXECUTABLE}" "-DCOMMIT=${INTAKE_GIT_COMMIT}")

# Once now, so the header exists for editors and compile_commands.json users before any build.
execute_process(COMMAND "${CMAKE_COMMAND}" ${_intake_version_args} -P "${CMAKE_CURRENT_LIST_DIR}/GitVersion.cmake")
add_custom_target(intake_version_header
                  COMMAND "${CMAKE_COMMAND}" ${_intake_version_args} -P "${CMAKE_CURRENT_LIST_DIR}/GitVersion.cmake"
                  BYPRODUCTS "${_intake_gen_dir}/version.h"
                  COMMENT "version.h: intake ${PROJECT_VERSION} at the current git commit" VERBATIM)

add_library(intake_version INTERFACE)
target_include_directories(intake_version INTERFACE "${_intake_gen_dir}")
add_dependencies(intake_version intake_version_header)
