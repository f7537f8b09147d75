#!/usr/bin/env bash
# Installs what building, running and testing Latchkey needs, and nothing
# that is already there: Debian/Ubuntu packages, npm packages, tauri-driver.
# Idempotent: a second run only checks.
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  # Tauri 2 / WebKitGTK build deps
  libwebkit2gtk-4.1-dev build-essential pkg-config curl libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # running without a display, screenshots, WebDriver
  xvfb xauth imagemagick xdotool xclip webkit2gtk-driver xdg-utils
  # the real OS keyring in a private session
  dbus dbus-x11 gnome-keyring libsecret-tools
  # gdbus: an e2e test locks its private keyring over D-Bus
  libglib2.0-bin
  # the second OAuth test server (django-oauth-toolkit) runs in a venv
  python3 python3-venv
  # the package test: desktop-file-validate, and `rpm -qlp` to list the .rpm
  # (Tauri's rpm bundler itself needs no rpmbuild)
  desktop-file-utils rpm
)

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found: install these packages with your package manager: ${missing[*]}"
  local line="apt-get install -y --no-install-recommends ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      die "missing system packages. Run this once, then run make again:
  sudo apt-get update && sudo $line"
    fi
  fi
  say "installing system packages: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive $line -qq >/dev/null
}

check_toolchains() {
  command -v cargo >/dev/null || die "Rust is not installed: install it with rustup (https://rustup.rs), then run make again"
  command -v node >/dev/null || die "Node.js is not installed: install Node.js 20.19 or newer (with npm), then run make again"
  local node_version
  node_version="$(node -p 'process.versions.node')"
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    process.exit(maj > 20 || (maj === 20 && min >= 19) ? 0 : 1);' ||
    die "Node.js $node_version is too old for Vite 8: install Node.js 20.19 or newer, then run make again"
}

# npm ci in DIR unless node_modules is newer than the lockfile.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  say "installing npm packages in ${dir#"$ROOT"/} (npm ci)"
  (cd "$dir" && npm ci --no-fund --no-audit --loglevel=error)
}

# A venv with the pinned requirements in DIR/.venv unless it is newer than
# requirements.txt (a stamp written after a successful install).
pip_venv() {
  local dir="$1" stamp="$1/.venv/.installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/requirements.txt" ]; then
    return 0
  fi
  say "installing Python packages in ${dir#"$ROOT"/}/.venv (pip)"
  [ -x "$dir/.venv/bin/python" ] || python3 -m venv "$dir/.venv"
  "$dir/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$dir/requirements.txt"
  touch "$stamp"
}

install_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver (cargo install, about 30 s)"
  cargo install tauri-driver --locked --quiet
}

install_apt_packages
check_toolchains
npm_ci "$ROOT/ui"
if [ "${1:-}" = "test" ]; then
  # The real OAuth server the integration tests start (oidc-provider).
  npm_ci "$ROOT/tests/fixtures/oauth-server"
  # The second one, written independently in Python (django-oauth-toolkit).
  pip_venv "$ROOT/tests/fixtures/dot-server"
  install_tauri_driver
fi
