#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with gnome-keyring's Secret
# Service unlocked, in throwaway XDG folders: tests use the real OS keyring
# without touching yours.
#   scripts/with-keyring.sh CMD [ARGS...]
# Set LATCHKEY_KEYRING_HOME to keep the keyring between runs (make run does).
source "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: scripts/with-keyring.sh CMD [ARGS...]"

if [ -n "${LATCHKEY_KEYRING_HOME:-}" ]; then
  base="$LATCHKEY_KEYRING_HOME"
  mkdir -p "$base"
else
  base="$(mktemp -d -t latchkey-keyring.XXXXXX)"
  trap 'rm -rf "$base"' EXIT
fi
mkdir -p -m700 "$base/run" "$base/data"

export XDG_DATA_HOME="$base/data" XDG_RUNTIME_DIR="$base/run"
export LATCHKEY_TEST_KEYRING=1 NO_AT_BRIDGE=1
# Not exec: the trap above removes the throwaway folder afterwards.
dbus-run-session -- bash -c '
  # The keyring password only guards this private, throwaway keyring.
  printf latchkey | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' bash "$@"
