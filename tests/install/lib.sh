# tests/install/lib.sh: sourced by the install tests - a moved install tree and a way to run it with
# the checkout and the build tree hidden. Needs: build, src (absolute) set by the caller.
# shellcheck shell=bash disable=SC2154  # build, src: set by the sourcing script

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# A temporary directory outside the checkout and the build tree ($tmp), removed at exit.
install_tmp() {
  tmp=$(realpath "$(mktemp -d "${TMPDIR:-/tmp}/intake-install-test.XXXXXX")")
  trap 'rm -rf "$tmp"' EXIT
  case $tmp/ in "$src"/* | "$build"/*) fail "the temporary directory $tmp is inside the checkout or build tree" ;; esac
}

# cmake --install with prefix /usr into $tmp/destdir ($destdir_usr is its usr/).
install_destdir() {
  DESTDIR=$tmp/destdir cmake --install "$build" --prefix /usr >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "cmake --install"; }
  destdir_usr=$tmp/destdir/usr
}

# Moves the installed usr/ to an unrelated prefix ($prefix).
install_move() {
  prefix=$tmp/elsewhere/opt-intake
  mkdir -p "$tmp/elsewhere"
  mv "$destdir_usr" "$prefix"
  rm -rf "$tmp/destdir"
}

# hidden SCRIPT ARG...: runs bash SCRIPT in a private mount namespace where the build tree and the
# checkout are empty read-only tmpfs and no INTAKE_* variable is set; BIND_FROM/BIND_TO (optional,
# set by the caller) is bind-mounted first, so a run dir inside the checkout stays reachable.
# Exit 77 (skip) when no namespace can be made; SCRIPT's status otherwise (3: could not hide).
hidden() {
  local ns=(unshare --mount --propagation private)
  [ "$(id -u)" -eq 0 ] || ns=(unshare --user --map-root-user --mount --propagation private)
  "${ns[@]}" true 2>/dev/null || { echo "SKIP: cannot make a mount namespace (${ns[*]})"; exit 77; }
  local script=$1
  shift
  "${ns[@]}" env -u INTAKE_DATA_DIR -u INTAKE_SQL_DIR -u INTAKE_CONFIG \
    HIDE_SRC="$src" HIDE_BUILD="$build" BIND_FROM="${BIND_FROM:-}" BIND_TO="${BIND_TO:-}" bash -c '
      if [ -n "$BIND_FROM" ]; then mount --bind "$BIND_FROM" "$BIND_TO" || exit 3; fi
      # The build tree first: it may be inside the checkout.
      mount -t tmpfs -o ro,size=1k intake-hidden "$HIDE_BUILD" || exit 3
      mount -t tmpfs -o ro,size=1k intake-hidden "$HIDE_SRC" || exit 3
      if [ -e "$HIDE_SRC/sql" ] || [ -e "$HIDE_BUILD/intake" ]; then exit 3; fi
      unset HIDE_SRC HIDE_BUILD BIND_FROM BIND_TO
      exec bash "$@"' hidden "$script" "$@"
}

# Whether this intake finds its data at run time at all: inspect, hidden, with INTAKE_DATA_DIR
# pointing at the moved tree. 0 yes; 1 no (before the run-time data dir: the checks that need it
# are pending); the error in $tmp/probe.err. MAIL: any .eml outside the checkout.
probe_data_dir() {
  cat >"$tmp/probe.sh" <<'PROBE'
cd "$1/work" && INTAKE_DATA_DIR=$2/share/intake "$2/bin/intake" inspect "$3" --json >/dev/null 2>"$1/probe.err"
PROBE
  mkdir -p "$tmp/work"
  hidden "$tmp/probe.sh" "$tmp" "$prefix" "$1"
}
