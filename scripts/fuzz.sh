#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time each
# (FUZZ_SECONDS, default 60), starting from the seeds in fuzz/seeds/ and
# keeping what it learns in fuzz/corpus/. Installs cargo-fuzz when missing.
# A crash stops the run with the input saved under fuzz/artifacts/TARGET/;
# turn it into a regression test in the normal suite.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=(curl_import loopback_request pasted_redirect token_answer jsonpath body_builder)
if [[ $# -gt 0 ]]; then targets=("$@"); fi

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "make fuzz needs a nightly toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# Pure Rust under test: no sanitizer, so the build is an ordinary release
# build and a panic (the bugs that matter here) is what counts as a crash.
cd fuzz
cargo +nightly fuzz build --sanitizer none
summary=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target"
  log="$(mktemp)"
  start=$(date +%s)
  status=0
  cargo +nightly fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  if [[ $status -eq 0 ]]; then
    summary+=("$(printf '%-18s %4ss  %10s runs  no crash' "$target" "$took" "${runs:-?}")")
  else
    tail -40 "$log" >&2
    summary+=("$(printf '%-18s %4ss  CRASH (exit %s), input in fuzz/artifacts/%s/' "$target" "$took" "$status" "$target")")
  fi
  rm -f "$log"
done
printf '%s\n' "make fuzz (${seconds} s per target):" "${summary[@]}"
if printf '%s\n' "${summary[@]}" | grep -q CRASH; then exit 1; fi
