#!/usr/bin/env bash
# `make bench-idle`: the release app left idle for IDLE_SECONDS (default 60)
# with a service open, against a bare Tauri 2 window (bare-window/, built with
# the same release profile) in the same run, under Xvfb with a private keyring.
# Reports CPU (% of one core, summed over the app and its WebKit processes)
# and memory (PSS summed over the same processes), and the binary sizes.
#   LATCHKEY_APP=/usr/bin/latchkey-desktop make bench-idle   # the installed app
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

IDLE_SECONDS="${IDLE_SECONDS:-60}"
app="${LATCHKEY_APP:-$ROOT/target/release/latchkey-desktop}"
cli="$(dirname "$app")/latchkey"
[ -x "$app" ] && [ -x "$cli" ] || die "no release app at $app: run make package first (or set LATCHKEY_APP)"

say "building the bare Tauri 2 window (same release profile, same target/)"
cargo build --release --locked --quiet --manifest-path scripts/bench-idle/bare-window/Cargo.toml \
  --target-dir "$ROOT/target"
bare="$ROOT/target/release/bare-window"

work="$(mktemp -d -t latchkey-bench-idle.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p target/e2e-artifacts
export IDLE_SECONDS
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x820x24" \
  bash scripts/bench-idle/measure.sh "$app" "$cli" "$bare" "$work" "$ROOT/target/e2e-artifacts"
