#!/usr/bin/env bash
# Builds and starts the desktop app. With no display, starts it inside Xvfb
# (and a private D-Bus session with a keyring kept in .artifacts/), saves a
# screenshot once the window has rendered, and keeps it running until Ctrl-C.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "building the UI"
(cd ui && npm run --silent build -- --logLevel warn)
say "building the desktop app"
# The same package set as the tests build, so neither rebuilds the other.
cargo build -p latchkey-desktop -p latchkey-cli --locked --quiet
APP="$ROOT/target/debug/latchkey-desktop"

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  say "starting Latchkey"
  exec "$APP"
fi

# No display: a virtual one, with a keyring and data dir that persist in
# .artifacts/ so secrets stay readable between headless runs.
ART="$ROOT/.artifacts"
mkdir -p "$ART"
export LATCHKEY_DATA_DIR="${LATCHKEY_DATA_DIR:-$ART/headless-data}"
export LATCHKEY_KEYRING_HOME="$ART/headless-keyring"
SHOT="$ART/latchkey-window.png"
rm -f "$SHOT"

say "no display found: starting Latchkey inside Xvfb"
exec "$ROOT/scripts/with-keyring.sh" xvfb-run -a -s "-screen 0 1280x820x24" \
  "$ROOT/scripts/headless-session.sh" "$APP" "$SHOT"
