#!/usr/bin/env bash
# Installs what `make bench-api` compares against and loads with: nginx (the
# reverse proxy baseline) and wrk (the load tool), from Debian/Ubuntu.
# Idempotent: a second run only checks. Not part of `make test`.
source "$(dirname "$0")/lib.sh"

BENCH_PACKAGES=(nginx wrk)

missing=()
for pkg in "${BENCH_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} with your package manager, then run make bench-api again"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null && sudo -n true 2>/dev/null ||
    die "missing ${missing[*]}: run once 'sudo apt-get install -y ${missing[*]}', then make bench-api again"
  sudo="sudo"
fi
say "installing the benchmark's baseline and load tool: ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# The package's own service is not wanted: the bench starts nginx itself,
# on loopback ports of its own, with a config in a temp dir.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "${missing[@]}" >/dev/null
