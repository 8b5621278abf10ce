#!/bin/sh
# run-fuzz.sh SECONDS: builds the parser's libFuzzer target with clang and runs it for a bounded
# time, seeded with the fixture mails; new inputs go to tests/fuzz/corpus/new (not committed),
# a crash leaves crash-* files in the build dir and a non-zero exit. Usage: tests/fuzz/run-fuzz.sh 300
set -eu
secs=${1:?usage: run-fuzz.sh SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${INTAKE_FUZZ_BUILD:-$root/build-fuzz}
# The library is instrumented for coverage (fuzzer-no-link); the target links libFuzzer.
CC=clang cmake -S "$root" -B "$build" -DINTAKE_FUZZ=ON -DINTAKE_TESTS=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target fuzz_parser -j2
mkdir -p "$here/corpus/new"
cd "$build"
exec ./tests/fuzz/fuzz_parser -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
  -print_final_stats=1 "$here/corpus/new" "$here/corpus" "$root/tests/data/mail" "$root/samples/mail"
