#!/usr/bin/env bash
# Tries, through a given `latchkey` binary, the ways a token or secret could
# leave its place, and prints one line per check: `ok` or `LEAK`.
#
#   scripts/with-keyring.sh scripts/leak-check.sh target/debug/latchkey
#
# Run it against an older build to see what it used to let through. It starts
# the OAuth fixture server and a small HTTP server that plays a stranger (it
# logs what it receives and answers with form-encoded tokens or a 3 MB echo),
# authorizes `alice`, then:
#   1. sends a request as alice to the stranger's origin, which answers 401;
#   2. looks for secrets readable under the data dir after: a 3 MB answer
#      echoing the token, a form-encoded token answer, a raw body with a
#      client secret through the local API, and an `X-Auth-Key` header;
#   3. reads the modes of the database files and spilled answers;
#   4. adds an API-key service with its key.
# Exit status: the number of checks that found a leak (0 = none).
set -uo pipefail
bin="$(realpath "${1:?usage: leak-check.sh PATH/TO/latchkey}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
fixture="$root/tests/fixtures/oauth-server"
work="$(mktemp -d)"
data="$work/data"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
leaks=0
report() { # NAME RESULT(0=ok) DETAIL
  if [ "$2" -eq 0 ]; then printf 'ok    %s\n' "$1"; else printf 'LEAK  %s: %s\n' "$1" "$3"; leaks=$((leaks + 1)); fi
}
L() { BROWSER="$fixture/browser.mjs" XDG_CURRENT_DESKTOP= DISPLAY= WAYLAND_DISPLAY= \
  "$bin" --data-dir "$data" "$@"; }
# Starts CMD… in the background with stdout to FILE and sets `first` to its
# first line (not in a subshell, so cleanup knows the pid).
start() { # FILE CMD…
  local out="$1"; shift
  "$@" >"$out" 2>/dev/null &
  pids+=("$!")
  for _ in $(seq 600); do [ -s "$out" ] && { first="$(head -n 1 "$out")"; return 0; }; sleep 0.1; done
  return 1
}
# Whether the stranger received TEXT (else a check below would prove nothing).
received() { grep -q -F -- "$1" "$work/stranger.log" 2>/dev/null; }
# Reports NAME as a leak when VALUE is in a file under the data dir, and as
# not tried when the request never carried VALUE.
at_rest() { # NAME VALUE SENT-MARK
  if ! received "$3"; then report "$1" 1 "not tried: the request did not reach the stranger"; return; fi
  local at; at="$(holders "$2")"
  report "$1" "$([ -z "$at" ]; echo $?)" "readable in $at"
}
# Every file under the data dir that holds VALUE in clear.
holders() { grep -r -a -l -F -- "$1" "$data" 2>/dev/null | sed "s|$data/||" | tr '\n' ' '; }

# The OAuth fixture prints one JSON line once it listens.
start "$work/fixture.out" node "$fixture/server.mjs" 0 \
  || { echo "the OAuth fixture did not start" >&2; exit 100; }
line="$first"
issuer="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["issuer"])' "$line")"

# The stranger: logs each request's headers and body; /form answers a
# form-encoded token, /big echoes the Authorization header in a 3 MB JSON.
cat >"$work/stranger.py" <<'PY'
import http.server, sys, json
log = open(sys.argv[1], "a")
class H(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        log.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n"); log.flush()
        if self.path.startswith("/form"):
            out, ctype = b"access_token=FORMTOKEN_a1b2c3&refresh_token=FORMREFRESH_d4e5f6&token_type=bearer", "application/x-www-form-urlencoded"
        elif self.path.startswith("/unauthorized"):
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
        elif self.path.startswith("/big"):
            auth = self.headers.get("Authorization", "none")
            out, ctype = json.dumps([{"i": i, "echo": auth} for i in range(40000)]).encode(), "application/json"
        else:
            out, ctype = b'{"ok":true}', "application/json"
        self.send_response(200); self.send_header("Content-Type", ctype); self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
    do_GET = do_POST = do_PUT = handle_one
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
start "$work/stranger.out" python3 "$work/stranger.py" "$work/stranger.log" \
  || { echo "the stranger server did not start" >&2; exit 100; }
sport="$first"
stranger="http://127.0.0.1:$sport"

secret="latchkey-basic-secret"
printf %s "$secret" | L service add demo --issuer "$issuer" --client-id latchkey-basic \
  --client-secret-stdin --scopes "openid email profile offline_access meetings" \
  --redirect-uri http://127.0.0.1:0/callback --api-base-url "$issuer/api" >/dev/null 2>&1 \
  || { echo "service add failed" >&2; exit 100; }
L user add demo alice >/dev/null && L authorize demo alice --timeout 60 >/dev/null 2>&1 \
  || { echo "authorize failed" >&2; exit 100; }
token="$(L token demo alice)"

refreshes() { curl -s "$issuer/__test/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token_requests"]["refresh_token"])'; }

# 1. A request as alice to an origin that is not the service's, answered 401.
before="$(refreshes)"
L request demo alice GET "$stranger/unauthorized" >/dev/null 2>&1
received "$token"
report "alice's token sent to a stranger's origin" $((! $?)) "the stranger received 'Authorization: Bearer <alice's token>'"
after="$(refreshes)"
report "a stranger's 401 does not refresh alice's token" "$([ "$before" = "$after" ]; echo $?)" "the 401 made $((after - before)) refresh(es) at the provider"
token="$(L token demo alice)"

# 2. Secrets at rest. Where the build knows token origins, the stranger is
# allowed first, so the answers below are the same on old and new builds.
L service edit demo --token-origin "$stranger" >/dev/null 2>&1
L request demo alice GET "$stranger/big" >/dev/null 2>&1
at_rest "a 3 MB answer echoing the token" "$token" "$token"
L request demo alice GET "$stranger/form" >/dev/null 2>&1
at_rest "a form-encoded token answer" FORMTOKEN_a1b2c3 '"/form"'
at_rest "a form-encoded refresh token" FORMREFRESH_d4e5f6 '"/form"'
L request demo alice GET "$stranger/x" -H "X-Auth-Key: HDRKEY_0x9y8z" >/dev/null 2>&1
at_rest "an X-Auth-Key header" HDRKEY_0x9y8z HDRKEY_0x9y8z

key="$(L api-key rotate 2>/dev/null | tail -n 1)"
if start "$work/serve.out" "$bin" --data-dir "$data" serve --port 0; then
  api="${first#listening on }"
  curl -s -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    --data "{\"method\":\"POST\",\"url\":\"$stranger/raw\",\"headers\":{\"Content-Type\":\"text/plain\"},\"body\":\"grant_type=x&client_secret=RAWSECRET_q7w8e9\"}" \
    "$api/v1/services/demo/users/alice/request"
  at_rest "a raw body with client_secret through the local API" RAWSECRET_q7w8e9 RAWSECRET_q7w8e9
else
  report "a raw body with client_secret through the local API" 1 "latchkey serve did not start"
fi

# 3. File modes: nothing under the data dir readable by others.
loose="$(find "$data" \( -type f -perm /077 -o -type d -perm /077 \) -printf '%P=%m ' 2>/dev/null)"
report "owner-only files" "$([ -z "$loose" ]; echo $?)" "readable by others: $loose"

# 4. An API-key service whose key is stored sealed and sent on requests.
if printf %s "APIKEY_m1n2b3" | L service add keyed --auth-kind api_key --api-key-stdin \
     --token-header X-Api-Key --token-prefix "" --api-base-url "$stranger" >/dev/null 2>&1 \
   && L request keyed - GET /k >/dev/null 2>&1 \
   && grep -qi '"X-Api-Key": "APIKEY_m1n2b3"' "$work/stranger.log"; then
  at="$(holders APIKEY_m1n2b3)"
  report "an API-key service" "$([ -z "$at" ]; echo $?)" "key readable in $at"
else
  report "an API-key service" 1 "no API key can be stored and sent (the kind is a stub)"
fi

exit "$leaks"
