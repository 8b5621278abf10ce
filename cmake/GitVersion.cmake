# Writes version.h (cmake -P script, run at configure time and before every build): the release and
# the git commit of the source tree. configure_file rewrites the header only when its text changes,
# so an unchanged tree recompiles nothing, and a new commit or edit shows without re-running cmake.
# In: VERSION, SOURCE_DIR, OUTPUT, TEMPLATE, RELATIVE_DATA_DIR, GIT (may be empty), COMMIT (a
# packager's override; empty: ask git).
if(NOT COMMIT)
  set(COMMIT unknown)
  if(GIT)
    # Only the source tree's own repository counts: a tarball unpacked inside some other checkout
    # must not report that checkout's commit.
    execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --show-toplevel
                    OUTPUT_VARIABLE top RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0)
      file(REAL_PATH "${top}" top)
      file(REAL_PATH "${SOURCE_DIR}" src)
      if(top STREQUAL src)
        execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" describe --always --dirty
                        OUTPUT_VARIABLE described RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(rc EQUAL 0 AND described)
          set(COMMIT "${described}")
        endif()
      endif()
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
