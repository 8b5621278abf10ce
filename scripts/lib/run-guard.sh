# scripts/lib/run-guard.sh: sourced by scripts/test and scripts/demo. Claims the local servers for
# this run and gives them back when the run ends, however it ends (success, failure, Ctrl-C, kill).

# guard_servers WHAT KEEP: start (or reuse kept) servers for this shell's run; at exit, stop what
# this run started unless KEEP is 1. Exports the servers' environment (INTAKE_RUN_DIR, PG*, ports).
guard_servers() {
  local what=$1
  GUARD_KEEP=$2
  GUARD_STATE=$(scripts/servers claim $$ "scripts/$what") || exit 1
  trap guard_exit EXIT
  trap 'guard_signal 130' INT
  trap 'guard_signal 143' TERM
  trap 'guard_signal 129' HUP
  eval "$(scripts/servers env)"
}

# guarded CMD...: run CMD as a child and wait for it, so a signal to this script is acted on at
# once (bash defers traps while a foreground child runs) and the child can be stopped by the trap.
guarded() {
  "$@" &
  wait $!
}

guard_signal() {
  echo "$(basename "$0"): interrupted, stopping what this run started" >&2
  exit "$1"
}

# descendants PID: every process below PID, deepest first.
descendants() {
  local c
  for c in $(pgrep -P "$1" 2>/dev/null); do
    descendants "$c"
    echo "$c"
  done
}

alive_any() {
  local p
  for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}

guard_exit() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # Tests and polls still running (an interrupted ctest): end them before their servers go.
  local pids; pids=$(descendants $$)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    local t=0
    while [ $t -lt 50 ] && alive_any $pids; do sleep 0.1; t=$((t + 1)); done
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
  fi
  if [ "${GUARD_STATE:-}" = started ]; then
    if [ "${GUARD_KEEP:-0}" = 1 ]; then
      scripts/servers release $$ --keep || true
    else
      scripts/servers release $$ >/dev/null || echo "$(basename "$0"): could not stop the servers; see scripts/servers status" >&2
    fi
  elif [ "${GUARD_STATE:-}" = reused ]; then
    echo "$(basename "$0"): the servers were kept running before this run and stay up (scripts/servers stop)" >&2
  fi
  exit "$rc"
}
