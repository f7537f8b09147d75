#!/usr/bin/env bash
# `make package`: a release build of the desktop app and the CLI (one cargo
# run, so both share one feature set), then the Tauri bundler's .deb and .rpm
# under target/release/bundle/. Both binaries go to /usr/bin.
#
# AppImage is not built: Tauri's AppImage bundler downloads AppRun and
# linuxdeploy from GitHub at bundle time, which this machine cannot reach.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "release build of latchkey-desktop and latchkey (LTO: several minutes)"
cargo build --release --locked -p latchkey-desktop -p latchkey-cli \
  --features latchkey-desktop/custom-protocol

say "bundling .deb and .rpm (Tauri CLI from ui/node_modules)"
rm -rf target/release/bundle/deb target/release/bundle/rpm
(cd src-tauri && "$ROOT/ui/node_modules/.bin/tauri" bundle --bundles deb,rpm --ci)

# The bundler's staging copies are not needed once the packages exist.
rm -rf target/release/bundle/deb/*/ target/release/bundle/rpm/*/ 2>/dev/null || true

say "built:"
for f in target/release/latchkey-desktop target/release/latchkey \
  target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  printf '  %-60s %s\n' "$f" "$(numfmt --to=iec --suffix=B --format='%.1f' "$(stat -c %s "$f")")"
done
