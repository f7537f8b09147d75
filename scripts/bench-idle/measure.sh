#!/usr/bin/env bash
# Inside Xvfb and a keyring session (run.sh starts both): measures one app,
# then the other, and prints the table. Args: APP CLI BARE WORKDIR SHOTDIR
set -euo pipefail
app="$1" cli="$2" bare="$3" work="$4" shots="$5"
hz="$(getconf CLK_TCK)"

# The process and all its descendants (WebKitWebProcess, WebKitNetworkProcess).
tree() {
  local pids=("$1") i=0
  while [ $i -lt ${#pids[@]} ]; do
    for child in $(pgrep -P "${pids[$i]}" || true); do pids+=("$child"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}
# utime + stime in clock ticks, summed.
ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields after the ")" of the command name: utime is the 12th, stime the 13th.
    set -- $(sed 's/^.*) //' "/proc/$pid/stat")
    sum=$((sum + ${12} + ${13}))
  done
  echo "$sum"
}
pss_kb() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/smaps_rollup" ] || continue
    sum=$((sum + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")))
  done
  echo "$sum"
}
wait_window() {
  for _ in $(seq 1 120); do
    xdotool search --name "^$1\$" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "no window named $1 within 60 s" >&2
  return 1
}

# One measurement: NAME TITLE CMD... → "cpu_percent pss_mb processes"
measure() {
  local name="$1" title="$2"; shift 2
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  wait_window "$title"
  [ "$name" = latchkey ] && open_service
  # Let start-up work (first paint, the first database poll) settle.
  sleep 10
  local pids t0 t1
  pids=($(tree "$pid"))
  t0="$(ticks "${pids[@]}")"
  sleep "$IDLE_SECONDS"
  pids=($(tree "$pid"))
  t1="$(ticks "${pids[@]}")"
  local pss
  pss="$(pss_kb "${pids[@]}")"
  import -window root "$shots/bench-idle-$name.png"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE_SECONDS" -v pss="$pss" -v n="${#pids[@]}" \
    'BEGIN { printf "%.2f %.1f %d\n", 100 * d / hz / s, pss / 1024, n }'
}

# Opens the service in the sidebar (the first entry) with a click.
open_service() {
  local win
  win="$(xdotool search --name '^Latchkey$' | head -1)"
  sleep 3
  xdotool mousemove --window "$win" 40 108 click 1
}

export LATCHKEY_DATA_DIR="$work/data"
printf 'bench-secret\n' | "$cli" service add demo \
  --authorize-url https://auth.example.com/authorize --token-url https://auth.example.com/token \
  --api-base-url https://api.example.com --client-id demo-client --client-secret-stdin >/dev/null
"$cli" user add demo alice >/dev/null

read -r bare_cpu bare_pss bare_n < <(measure bare "Bare window" "$bare")
read -r app_cpu app_pss app_n < <(measure latchkey Latchkey "$app")

size() { numfmt --to=iec --suffix=B --format='%.1f' "$(stat -c %s "$1")"; }
printf '\nIdle for %s s (after 10 s to settle), under Xvfb, all processes of each app:\n\n' "$IDLE_SECONDS"
printf '| | bare Tauri 2 window | Latchkey | ratio |\n| --- | --- | --- | --- |\n'
printf '| CPU (%% of one core) | %s | %s | |\n' "$bare_cpu" "$app_cpu"
printf '| memory (PSS, MB) | %s | %s | %s |\n' "$bare_pss" "$app_pss" \
  "$(awk -v a="$app_pss" -v b="$bare_pss" 'BEGIN { printf "%.2f×", a / b }')"
printf '| processes | %s | %s | |\n' "$bare_n" "$app_n"
printf '| binary (stripped) | %s | %s | %s |\n' "$(size "$bare")" "$(size "$app")" \
  "$(awk -v a="$(stat -c %s "$app")" -v b="$(stat -c %s "$bare")" 'BEGIN { printf "%.2f×", a / b }')"
printf '\nGoals: Latchkey under 1%% CPU; PSS at most 1.2× the bare window.\n'
printf 'Screenshots: %s/bench-idle-{bare,latchkey}.png\n' "$shots"
