#!/usr/bin/env bash
# Inside Xvfb and a keyring session (run.sh starts both): measures one app,
# then the other, and prints the table. Args: APP CLI BARE WORKDIR SHOTDIR
set -euo pipefail
app="$1" cli="$2" bare="$3" work="$4" shots="$5"
hz="$(getconf CLK_TCK)"

# The process and all its descendants (WebKitWebProcess, WebKitNetworkProcess,
# and the bwrap sandbox processes between them when WebKit uses one).
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
  local sum=0 pid kb
  for pid in "$@"; do
    kb="$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
    sum=$((sum + ${kb:-0}))
  done
  echo "$sum"
}
# How the web process paints: WebKit reads WEBKIT_SKIA_ENABLE_CPU_RENDERING
# from the environment it inherits.
painting() {
  local pid
  for pid in "$@"; do
    case "$(cat "/proc/$pid/comm" 2>/dev/null)" in WebKitWebProces*) ;; *) continue ;; esac
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx 'WEBKIT_SKIA_ENABLE_CPU_RENDERING=1'; then
      echo CPU; else echo GL; fi
    return
  done
  echo unknown
}
names() {
  local pid
  for pid in "$@"; do cat "/proc/$pid/comm" 2>/dev/null || true; done | sort | uniq -c |
    awk '{ printf "%s%s×%s", (NR > 1 ? ", " : ""), $2, $1 }'
}

# Every process this script started, with its descendants, ends when the
# script does, also when it fails half-way: the children first (WebKit's
# processes outlive a killed parent for a while), then the parent.
started=()
stop_tree() {
  local pids
  pids=($(tree "$1"))
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    local alive=0 pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local pid
  for pid in "${started[@]}"; do stop_tree "$pid"; done
  started=()
}
trap cleanup EXIT

# The id of the window titled $1 that belongs to process $2's tree.
wait_window() {
  local id
  for _ in $(seq 1 240); do
    kill -0 "$2" 2>/dev/null || { echo "$1 exited before it showed a window" >&2; return 1; }
    id="$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -1 || true)"
    [ -n "$id" ] && { echo "$id"; return 0; }
    sleep 0.25
  done
  echo "no window named $1 within 60 s" >&2
  return 1
}

# Opens the service in the sidebar (the first entry) with a click, and checks
# the window changed (a screenshot before and after differ).
open_service() {
  local win="$1"
  # The first paint of the service list comes after the window maps.
  sleep 3
  import -window "$win" "$work/before.png"
  xdotool mousemove --window "$win" 40 108 click 1
  sleep 2
  import -window "$win" "$work/after.png"
  local differ
  differ="$(compare -metric AE "$work/before.png" "$work/after.png" null: 2>&1 || true)"
  if [ "${differ%% *}" = 0 ]; then
    echo "clicking the first service did not change the window" >&2
    return 1
  fi
}

# One measurement: NAME TITLE CMD... → sets the globals cpu, pss (MB) and procs.
measure() {
  local name="$1" title="$2"; shift 2
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  started+=("$pid")
  local win
  win="$(wait_window "$title" "$pid")"
  [ "$name" = latchkey ] && open_service "$win"
  # Let start-up work (first paint, the first database poll) settle.
  sleep 10
  local pids t0 t1 kb
  pids=($(tree "$pid"))
  t0="$(ticks "${pids[@]}")"
  sleep "$IDLE_SECONDS"
  # Children that appeared meanwhile count too (their ticks from 0: an
  # overestimate, never an underestimate).
  pids=($(tree "$pid"))
  t1="$(ticks "${pids[@]}")"
  kb="$(pss_kb "${pids[@]}")"
  import -window root "$shots/bench-idle-$name.png"
  printf '  %s: %s; paints with %s\n' "$name" "$(names "${pids[@]}")" "$(painting "${pids[@]}")" >&2
  cleanup
  cpu="$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.2f", 100 * d / hz / s }')"
  pss="$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  procs="${#pids[@]}"
}

export LATCHKEY_DATA_DIR="$work/data"
# Fresh config and cache dirs for both apps (with-keyring.sh already gives a
# throwaway XDG_DATA_HOME), so no saved window size (window-state plugin) or
# WebKit cache from an earlier run counts.
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
printf 'bench-secret\n' | "$cli" service add demo \
  --authorize-url https://auth.example.com/authorize --token-url https://auth.example.com/token \
  --api-base-url https://api.example.com --client-id demo-client --client-secret-stdin >/dev/null
"$cli" user add demo alice >/dev/null

printf 'processes measured:\n' >&2
# Latchkey paints on the CPU when there is no GPU render node (it decides at
# start); the bare window is given the same rule, so both paint alike.
bare_env=()
if [ -z "${WEBKIT_SKIA_ENABLE_CPU_RENDERING+set}" ] && ! compgen -G '/dev/dri/renderD*' >/dev/null; then
  bare_env=(env WEBKIT_SKIA_ENABLE_CPU_RENDERING=1)
fi
measure bare "Bare window" "${bare_env[@]}" "$bare"
bare_cpu="$cpu" bare_pss="$pss" bare_n="$procs"
measure latchkey Latchkey "$app"
app_cpu="$cpu" app_pss="$pss" app_n="$procs"

size() { numfmt --to=iec --suffix=B --format='%.1f' "$(stat -c %s "$1")"; }
holds() { awk -v ok="$1" 'BEGIN { print (ok ? "holds" : "does not hold") }'; }
printf '\nIdle for %s s (after 10 s to settle), under Xvfb, all processes of each app:\n\n' "$IDLE_SECONDS"
printf '| | bare Tauri 2 window | Latchkey | ratio | goal |\n| --- | ---: | ---: | ---: | --- |\n'
printf '| CPU (%% of one core) | %s | %s | | Latchkey < 1%%: %s |\n' "$bare_cpu" "$app_cpu" \
  "$(holds "$(awk -v c="$app_cpu" 'BEGIN { print (c < 1) }')")"
printf '| memory (PSS, MB) | %s | %s | %s | ≤ 1.20×: %s |\n' "$bare_pss" "$app_pss" \
  "$(awk -v a="$app_pss" -v b="$bare_pss" 'BEGIN { printf "%.2f×", a / b }')" \
  "$(holds "$(awk -v a="$app_pss" -v b="$bare_pss" 'BEGIN { print (a <= 1.2 * b) }')")"
printf '| processes | %s | %s | | |\n' "$bare_n" "$app_n"
printf '| binary (stripped) | %s | %s | %s | Latchkey < 20 MB: %s |\n' "$(size "$bare")" "$(size "$app")" \
  "$(awk -v a="$(stat -c %s "$app")" -v b="$(stat -c %s "$bare")" 'BEGIN { printf "%.2f×", a / b }')" \
  "$(holds "$(awk -v a="$(stat -c %s "$app")" 'BEGIN { print (a < 20 * 1000 * 1000) }')")"
printf '| CLI binary (stripped) | | %s | | |\n' "$(size "$cli")"
printf '\nScreenshots: %s/bench-idle-{bare,latchkey}.png\n' "$shots"
