#!/usr/bin/env bash
# tests/install, end to end: the installed tree, moved and run with the checkout and the build tree
# hidden, migrates a fresh database (its SQL from <prefix>/share/intake/sql) and polls a real
# mailbox on the local servers (scripts/servers: PostgreSQL, Dovecot) into an order.
# Exit 0 all true; 1 a check failed; 77 (skip) this intake cannot run from an install tree yet
# (no run-time data dir), or no mount namespace.
# Usage: poll_test.sh BUILD_DIR SOURCE_DIR     (INTAKE_RUN_DIR: the servers' run dir, as for e2e)
set -euo pipefail
build=$(realpath "$1") src=$(realpath "$2")
# shellcheck source=tests/install/lib.sh disable=SC2154  # tmp, prefix, destdir_usr: set by lib.sh
. "$(dirname "$0")/lib.sh"

export INTAKE_RUN_DIR=${INTAKE_RUN_DIR:-$src/.run}
"$src/scripts/servers" start >/dev/null
eval "$("$src/scripts/servers" env)"
run=$(realpath "$INTAKE_RUN_DIR")

install_tmp
install_destdir
install_move
mail=$tmp/mail.eml
cp "$src/samples/mail/01-wechat-terse-haidian.eml" "$mail"
probe_data_dir "$mail" || {
  echo "pending: this intake does not find its data at run time ($(head -c 200 "$tmp/probe.err"))"
  echo "SKIP: db migrate and poll from the install tree wait for the run-time data dir"
  exit 77
}

# A database and a mailbox of its own, dropped at the end.
name=install_poll_$$_$RANDOM
user=$name@roycom.com.cn
password=pw-$RANDOM$RANDOM$RANDOM
trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
      "$src/scripts/servers" deluser "$user" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$src/scripts/servers" adduser "$user" "$password" >/dev/null
psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $name" >/dev/null
# Dovecot re-reads its users at most once a second: APPEND until the new login works (bounded).
for i in $(seq 50); do
  curl -sS --cacert "$INTAKE_CA_FILE" -u "$user:$password" -T "$mail" \
    "imaps://localhost:$INTAKE_IMAPS_PORT/INBOX" 2>"$tmp/append.err" && break
  [ "$i" -lt 50 ] || fail "APPEND to $user: $(cat "$tmp/append.err")"
  sleep 0.1
done

# The run dir may be inside the checkout: it is bind-mounted to $tmp/run before the checkout is hidden.
mkdir -p "$tmp/run" "$tmp/work"
export BIND_FROM=$run BIND_TO=$tmp/run
inside() { case $1 in "$run"/*) echo "$tmp/run/${1#"$run"/}" ;; *) echo "$1" ;; esac; }
printf '%s\n' "$password" >"$tmp/imap.pass"
cat >"$tmp/intake.conf" <<CONF
[imap]
url = imaps://localhost:$INTAKE_IMAPS_PORT/INBOX
user = $user
password_file = $tmp/imap.pass
tls_verify = true
ca_file = $(inside "$(realpath "$INTAKE_CA_FILE")")
[smtp]
send = false
[db]
conninfo = host=$(inside "$(realpath "$PGHOST")") port=$PGPORT dbname=$name
CONF
cat >"$tmp/inner.sh" <<'INNER'
set -u
cd "$1/work" || exit 3
unset PGHOST PGPORT PGDATABASE
"$2/bin/intake" db migrate --config "$1/intake.conf" >"$1/migrate.out" 2>&1 || exit 10
"$2/bin/intake" poll --config "$1/intake.conf" >"$1/poll.out" 2>&1 || exit 11
exit 0
INNER
rc=0
hidden "$tmp/inner.sh" "$tmp" "$prefix" || rc=$?
case $rc in
  0) ;;
  3) fail "could not hide the checkout or the build tree, or bind the run dir" ;;
  10) fail "db migrate from the install tree: $(cat "$tmp/migrate.out")" ;;
  11) fail "poll from the install tree: $(cat "$tmp/poll.out")" ;;
  *) fail "namespace run ended with $rc" ;;
esac
ok "db migrate and poll from the moved install tree, checkout hidden: $(tail -1 "$tmp/poll.out")"

q() { psql -qAt -v ON_ERROR_STOP=1 -d "$name" -c "$1"; }
[ "$(q 'SELECT count(*) FROM intake.messages')" = 1 ] || fail "intake.messages: not the one mail"
[ "$(q 'SELECT count(*) FROM intake.orders')" = 1 ] || fail "intake.orders: not one order"
[ "$(q 'SELECT count(*) FROM intake.holidays')" -gt 0 ] || fail "intake.holidays: the seed was not loaded"
ok "one mail, one order ($(q 'SELECT order_no FROM intake.orders')), the policy seed loaded"
