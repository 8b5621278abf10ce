# `cmake --install`: the FHS layout of issue 13. With CMAKE_INSTALL_PREFIX=/usr:
#   /usr/bin/intake
#   /usr/share/intake/{parser,classifier}        from data/  (labels, gazetteer, asset rules)
#   /usr/share/intake/sql/*.sql, sql/seed/*.tsv   migrations and the policy seed
#   /usr/share/man/man1/intake.1, man5/intake.conf.5
#   /usr/share/doc/intake/{README.md,ops.md,intake.conf.example,examples/intake.cron}
#   /usr/share/bash-completion/completions/intake
#   <INTAKE_SYSTEMD_UNITDIR>/intake-poll.{service,timer}
# The binary finds its data at <its directory>/INTAKE_RELATIVE_DATA_DIR (version.h), so bin and
# share must stay siblings under one prefix.
set(INTAKE_SYSTEMD_UNITDIR "lib/systemd/system" CACHE PATH
    "systemd units (relative: under the prefix; Debian 12 packages use /lib/systemd/system)")
set(INTAKE_BASH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" CACHE PATH
    "bash-completion's completions directory")
set(INTAKE_INSTALL_DATA_DIR "${CMAKE_INSTALL_DATADIR}/intake")

install(TARGETS intake RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

# Directories, not globs: a migration or seed file added later is installed without re-running cmake.
install(DIRECTORY data/parser data/classifier DESTINATION "${INTAKE_INSTALL_DATA_DIR}")
install(DIRECTORY sql/ DESTINATION "${INTAKE_INSTALL_DATA_DIR}/sql" FILES_MATCHING PATTERN "*.sql" PATTERN "*.tsv")

install(FILES docs/man/intake.1 DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES docs/man/intake.conf.5 DESTINATION "${CMAKE_INSTALL_MANDIR}/man5")
install(FILES README.md docs/ops.md contrib/intake.conf.example DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# The cron line is an alternative to the timer, never both: an example, not an active /etc/cron.d file.
install(FILES contrib/intake.cron DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")
install(FILES contrib/bash-completion/intake DESTINATION "${INTAKE_BASH_COMPLETION_DIR}")
install(FILES contrib/intake-poll.service contrib/intake-poll.timer DESTINATION "${INTAKE_SYSTEMD_UNITDIR}")
