#!/usr/bin/env bash
# The packages as a person meets them (root, a throwaway machine: CI, or run
# it yourself knowing it installs and removes the latchkey package):
#   - the .deb holds both binaries, a valid desktop entry, icons at every
#     size, and the dependencies we mean; the .rpm holds both binaries;
#   - `apt-get install ./….deb`, then `latchkey --version` and `latchkey info`
#     from /usr/bin;
#   - the installed CLI seals a client secret with the keyring and reads it
#     back (compared, never printed);
#   - the installed app starts under Xvfb, its window appears, a screenshot
#     is saved to target/e2e-artifacts/package-installed-app.png;
#   - `apt-get purge`, then none of the package's files is left under /usr,
#     and the user's data dir is untouched.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

[ "$(id -u)" -eq 0 ] || die "the package test installs a .deb: run it as root (CI does)"
debs=(target/release/bundle/deb/*.deb)
rpms=(target/release/bundle/rpm/*.rpm)
[ -f "${debs[0]}" ] && [ -f "${rpms[0]}" ] || die "no packages under target/release/bundle: run make package first"
deb="${debs[0]}" rpm="${rpms[0]}"
pkg="$(dpkg-deb -f "$deb" Package)"
version="$(dpkg-deb -f "$deb" Version)"
# What the build recorded (crates/latchkey-core/build.rs): the override, else HEAD.
commit="${LATCHKEY_GIT_COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}"
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
  die "$pkg is already installed here; remove it first (apt-get purge $pkg) so the test can check what its removal leaves"
fi

work="$(mktemp -d -t latchkey-package-test.XXXXXX)"
installed=0
cleanup() {
  if [ "$installed" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { die "package test: $*"; }

say "checking what $deb holds"
dpkg-deb -x "$deb" "$work/deb"
for bin in latchkey latchkey-desktop; do
  [ -x "$work/deb/usr/bin/$bin" ] || fail "the .deb has no /usr/bin/$bin"
done
desktop_size="$(stat -c %s "$work/deb/usr/bin/latchkey-desktop")"
[ "$desktop_size" -lt 20000000 ] || fail "the desktop binary is $desktop_size bytes, over 20 MB"
entry="$(find "$work/deb/usr/share/applications" -name '*.desktop' | head -1)"
[ -n "$entry" ] || fail "the .deb has no desktop entry"
desktop-file-validate "$entry" || fail "desktop-file-validate rejects $(basename "$entry")"
grep -qx 'Categories=Development;' "$entry" || fail "the desktop entry is not in category Development: $(grep Categories "$entry")"
icon="$(sed -n 's/^Icon=//p' "$entry")"
for size in 16 24 32 48 64 128 256 512; do
  [ -f "$work/deb/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png" ] || fail "no ${size}x${size} icon"
done
depends="$(dpkg-deb -f "$deb" Depends)"
for lib in libwebkit2gtk-4.1-0 libgtk-3-0 libc6; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -f "$deb" Recommends | grep -q gnome-keyring || fail "gnome-keyring is not recommended"
if grep -q gnome-keyring <<<"$depends"; then fail "gnome-keyring must be recommended, not required"; fi
if command -v rpm >/dev/null; then
  rpm_files="$(rpm -qlp "$rpm" 2>/dev/null)"
  grep -qx /usr/bin/latchkey <<<"$rpm_files" && grep -qx /usr/bin/latchkey-desktop <<<"$rpm_files" ||
    fail "the .rpm does not hold both binaries in /usr/bin"
fi

say "apt-get install ./$deb"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
dpkg -L "$pkg" >"$work/files"

say "the installed CLI"
shown="$(/usr/bin/latchkey --version)"
[ "$shown" = "latchkey $version (commit $commit)" ] || fail "latchkey --version says '$shown', not version $version, commit $commit"
echo "  $shown"
data="$work/user-data"
cat >"$work/as-user.sh" <<'INNER'
set -euo pipefail
data="$1" shot="$2"
export LATCHKEY_DATA_DIR="$data"
# Outputs are read whole before they are searched: `grep -q` in a pipe closes
# it at the first match and the writer would then fail on a broken pipe.
info="$(/usr/bin/latchkey info)"
sed 's/^/  /' <<<"$info"
grep -q '^keyring   ok:' <<<"$info" || { echo "the installed CLI cannot reach the keyring" >&2; exit 1; }
secret="package-test-secret-$RANDOM$RANDOM"
printf '%s\n' "$secret" | /usr/bin/latchkey service add demo \
  --authorize-url https://auth.example.com/authorize --token-url https://auth.example.com/token \
  --client-id demo-client --client-secret-stdin >/dev/null
exported="$(/usr/bin/latchkey service export demo --with-secrets 2>/dev/null)" ||
  { echo "the installed CLI could not export the service with its secret" >&2; exit 1; }
grep -qF "$secret" <<<"$exported" ||
  { echo "the installed CLI did not read back the secret it sealed" >&2; exit 1; }
echo "  a client secret was sealed with the keyring and read back"

/usr/bin/latchkey-desktop >"$data/../app.log" 2>&1 &
app=$!
for _ in $(seq 1 120); do
  xdotool search --name '^Latchkey$' >/dev/null 2>&1 && break
  kill -0 "$app" 2>/dev/null || { cat "$data/../app.log" >&2; echo "the installed app exited" >&2; exit 1; }
  sleep 0.5
done
xdotool search --name '^Latchkey$' >/dev/null || { echo "no Latchkey window within 60 s" >&2; exit 1; }
# Let the web view draw the first screen (services, status bar).
sleep 5
import -window root "$shot"
kill "$app"; wait "$app" 2>/dev/null || true
colors="$(identify -format %k "$shot")"
[ "$colors" -gt 50 ] || { echo "the screenshot is nearly blank ($colors colours)" >&2; exit 1; }
echo "  the installed app's window appeared; screenshot: $shot ($colors colours)"
INNER
mkdir -p target/e2e-artifacts
shot="$ROOT/target/e2e-artifacts/package-installed-app.png"
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x820x24" bash "$work/as-user.sh" "$data" "$shot" ||
  fail "the installed CLI or app failed (above)"
before="$(cd "$data" && find . -type f -exec sha256sum {} + | sort)"

say "apt-get purge $pkg"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null
installed=0
left=()
while read -r path; do
  [ -e "$path" ] && [ ! -d "$path" ] && left+=("$path")
done <"$work/files"
[ ${#left[@]} -eq 0 ] || fail "left behind after removal: ${left[*]}"
for bin in /usr/bin/latchkey /usr/bin/latchkey-desktop; do
  [ ! -e "$bin" ] || fail "$bin is still there"
done
after="$(cd "$data" && find . -type f -exec sha256sum {} + | sort)"
[ -n "$before" ] && [ "$before" = "$after" ] || fail "removing the package changed the user's data dir"
echo "  $(wc -l <"$work/files") paths installed, none of its files left; the data dir is untouched"
say "package test passed"
