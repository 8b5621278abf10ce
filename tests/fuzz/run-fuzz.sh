#!/bin/sh
# run-fuzz.sh SECONDS: builds the libFuzzer targets with clang and runs each for its share of SECONDS
# (parser 2/5, the IMAP response reader, the registry CSV loader and the config loader 1/5 each),
# seeded with its corpus; new inputs go to tests/fuzz/corpus*/new (not committed), a crash leaves
# crash-* files in the build dir and a non-zero exit, and so does any ASan or UBSan report (UBSan
# is built not to recover and told to halt, so a report cannot scroll by in a passing run).
# Usage: tests/fuzz/run-fuzz.sh 300
set -eu
secs=${1:?usage: run-fuzz.sh SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${INTAKE_FUZZ_BUILD:-$root/build-fuzz}
# The libraries are instrumented for coverage (fuzzer-no-link); the targets link libFuzzer. UBSan
# checks abort instead of printing and going on (-fno-sanitize-recover), the options say the same.
CC=clang cmake -S "$root" -B "$build" -DINTAKE_FUZZ=ON -DINTAKE_TESTS=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target fuzz_parser fuzz_imap fuzz_assets fuzz_config -j2
share=$((secs / 5))
[ "$share" -ge 1 ] || share=1
cd "$build"
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# fuzz NAME SECONDS MAX_LEN CORPUS...: the first corpus directory receives the new inputs
fuzz() {
  name=$1 t=$2 max_len=$3
  shift 3
  mkdir -p "$1"
  echo "== fuzz_$name for $t s"
  ./tests/fuzz/fuzz_"$name" -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 "$@"
}
fuzz parser $((secs - 3 * share)) 262144 "$here/corpus/new" "$here/corpus" "$root/tests/data/mail" "$root/samples/mail"
fuzz imap "$share" 65536 "$here/corpus-imap/new" "$here/corpus-imap"
fuzz assets "$share" 65536 "$here/corpus-assets/new" "$here/corpus-assets"
fuzz config "$share" 16384 "$here/corpus-config/new" "$here/corpus-config"
