#!/usr/bin/env bash
# Inside Xvfb: start the app, wait for its window to render, screenshot it,
# then keep it running until Ctrl-C. Called by run.sh.
source "$(dirname "$0")/lib.sh"
APP="$1" SHOT="$2"

"$APP" &
app_pid=$!
trap 'kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; exit 0' INT TERM

window=""
for _ in $(seq 1 120); do
  kill -0 "$app_pid" 2>/dev/null || die "Latchkey exited before its window appeared"
  window="$(xdotool search --name '^Latchkey$' 2>/dev/null | head -n1 || true)"
  [ -n "$window" ] && break
  sleep 0.25
done
[ -n "$window" ] || die "no Latchkey window after 30 s"

# Rendered = the web-view painted more than a blank background.
for _ in $(seq 1 120); do
  import -window "$window" "$SHOT" 2>/dev/null || true
  colors="$(convert "$SHOT" -format %k info: 2>/dev/null || echo 0)"
  [ "${colors:-0}" -gt 200 ] && break
  sleep 0.25
done
sleep 0.5
import -window "$window" "$SHOT"

say "Latchkey is running on a virtual display (Xvfb)."
echo "    screenshot: $SHOT"
echo "    data dir:   $LATCHKEY_DATA_DIR"
echo "    On a desktop, run 'make run' there to get the window; here it stays up until Ctrl-C."
wait "$app_pid"
