#!/usr/bin/env bash
# A short fuzzing run for CI, called at the end of .ci/run.
#
# Builds every target in fuzz/ with cargo-fuzz on the stable toolchain
# (RUSTC_BOOTSTRAP=1) and runs each for FUZZ_SECONDS (default 30), starting
# from fuzz/seeds/<target> and whatever fuzz/corpus/<target> holds. The
# targets are those `cargo fuzz list` names: sign, presign, verify,
# parse_authorization, profile_file, credential_process_json.
#
# Exit status:
#   0  no crash, or fuzzing skipped: cargo-fuzz missing and not installable
#      (no registry), no C++ compiler for libFuzzer, or FUZZ_SECONDS=0.
#   1  a target crashed, hung or ran out of memory: the input is printed
#      (as the target reads it, and base64) with the command to replay it;
#      or the targets do not compile (the crate's API changed under them).
# A fuzzer that stops for any other reason (killed, out of disk) is reported
# but does not fail the run.
set -uo pipefail
cd "$(dirname "$0")"

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
CARGO_FUZZ_VERSION="0.13.2"
export RUSTC_BOOTSTRAP=1 # cargo-fuzz passes -Z flags; stable rustc accepts them so

say() { printf '== fuzz: %s\n' "$*"; }

if [ "$FUZZ_SECONDS" = 0 ]; then
  say "FUZZ_SECONDS=0: skipped"
  exit 0
fi

if ! command -v c++ >/dev/null 2>&1; then
  say "no C++ compiler to build libFuzzer with: fuzzing SKIPPED (not a failure)"
  exit 0
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2 minutes)"
  if ! timeout 900 cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet; then
    say "cargo-fuzz could not be installed: fuzzing SKIPPED (not a failure)"
    exit 0
  fi
fi
cargo fuzz --version

say "building the targets"
if ! cargo fuzz build; then
  say "the fuzz targets do not compile: FAILED (fix fuzz/ for the crate's new API)"
  exit 1
fi

crashed=()
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target" "artifacts/$target"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  before=$(ls "artifacts/$target" | wc -l)
  log="artifacts/$target.log"
  say "$target: ${FUZZ_SECONDS} s"
  timeout $((FUZZ_SECONDS * 3 + 120)) \
    cargo fuzz run "$target" "corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1
  status=$?
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$log" || true
  new=$(ls -t "artifacts/$target" | head -n $(($(ls "artifacts/$target" | wc -l) - before)))
  if [ -n "$new" ]; then
    crashed+=("$target")
    say "$target CRASHED (exit $status); the fuzzer said:"
    grep -m1 -A15 -E 'panicked at|^==[0-9]+==ERROR' "$log"
    grep -m1 -E '^SUMMARY' "$log"
    say "(whole log: fuzz/$log)"
    for file in $new; do
      path="artifacts/$target/$file"
      say "input $path ($(wc -c <"$path") bytes), as the target reads it:"
      cargo fuzz fmt "$target" "$path" 2>&1 | tail -n 80
      say "base64 (decode into a file to replay it):"
      base64 -w 0 "$path"
      echo
      say "replay: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $target $path"
    done
  elif [ "$status" -ne 0 ]; then
    say "$target: the fuzzer stopped with exit $status but found nothing (not a failure):"
    tail -n 20 "$log"
  fi
done

if [ ${#crashed[@]} -gt 0 ]; then
  say "FAILED: crashes in ${crashed[*]}"
  exit 1
fi
say "no crashes"
