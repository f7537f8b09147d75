# The two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
KEYRING := scripts/with-keyring.sh

.PHONY: help run test setup setup-test leak-check ui check-rust check-ui test-rust test-ui e2e package test-package bindings fmt screenshots bench-explorer bench bench-api bench-idle fuzz

help:
	@echo "make run    build and start the desktop app (inside Xvfb when there is no display)"
	@echo "make test   install what is missing, then every check and test suite"
	@echo "make package  release .deb and .rpm under target/release/bundle/"

run: setup
	@scripts/run.sh

test: setup-test check-rust check-ui test-ui test-rust leak-check e2e test-package
	@echo "make test: all suites passed"

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh test

# The desktop crate embeds ui/dist at compile time.
ui:
	cd ui && npm run --silent build -- --logLevel warn

check-rust: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

check-ui:
	cd ui && npm run --silent check
	cd ui && npm run --silent lint

test-ui:
	cd ui && npm run --silent test

# Every Rust suite, against the real Secret Service in a private session.
test-rust: ui
	$(KEYRING) cargo test --workspace --locked

# The CLI tried the ways a token or secret could leave its place: sent to a
# stranger's origin, readable under the data dir, loose file modes.
# The same build as e2e's: building the CLI alone would unify features
# differently and compile many dependencies a second time.
leak-check: ui
	cargo build -p latchkey-desktop -p latchkey-cli --locked
	$(KEYRING) scripts/leak-check.sh target/debug/latchkey

# The built app under Xvfb, driven through tauri-driver + WebKitWebDriver.
e2e: ui
	cargo build -p latchkey-desktop -p latchkey-cli --locked
	$(KEYRING) xvfb-run -a -s "-screen 0 1280x820x24" \
		cargo test -p latchkey-e2e --locked --no-fail-fast -- --ignored --skip bench_ --test-threads=1

# Release .deb and .rpm (desktop app + CLI in /usr/bin) under target/release/bundle/.
package: setup ui
	scripts/package.sh

# Installs the .deb (root), runs the CLI and the app from /usr/bin, removes
# it and checks nothing is left (scripts/package-test.sh says what it checks).
test-package: package
	scripts/package-test.sh

# Benchmarks: Latchkey against baselines in the same run, printed as a
# table of ratios (crates/latchkey-cli/benches/latchkey.rs). Not part of
# `make test`; needs no keyring (a temp key file via LATCHKEY_KEY_FILE).
bench:
	cargo bench -p latchkey-cli --bench latchkey --locked

# The local API's POST .../request against nginx doing the same proxy job,
# loaded by wrk (both from Debian, installed by scripts/bench-setup.sh), and
# the upstream called directly; loopback only, bounded in time.
bench-api:
	scripts/bench-setup.sh
	cargo bench -p latchkey-cli --bench local_api --locked

# Rewrite ui/src/api/bindings from the Rust types (commit the result).
bindings:
	LATCHKEY_WRITE_BINDINGS=1 cargo test -p latchkey-core --lib ts_bindings

fmt:
	cargo fmt --all

# Screenshots of the main screens from the real app, light and dark, into docs/.
screenshots: ui
	cargo build -p latchkey-desktop -p latchkey-cli --locked
	for theme in light dark; do \
		LATCHKEY_E2E_THEME=$$theme $(KEYRING) xvfb-run -a -s "-screen 0 1280x820x24" \
			cargo test -p latchkey-e2e --locked -- --ignored --skip bench_ --test-threads=1 || exit 1; \
	done
	mkdir -p docs/screenshots
	cp target/e2e-artifacts/*-light.png target/e2e-artifacts/*-dark.png docs/screenshots/

# The response explorer on 20 and 50 MB answers in the release app, what
# ships (not part of make test). The same release build as make package's.
bench-explorer: ui
	cargo build --release -p latchkey-desktop -p latchkey-cli --locked --features latchkey-desktop/custom-protocol
	LATCHKEY_E2E_PROFILE=release $(KEYRING) xvfb-run -a -s "-screen 0 1280x820x24" \
		cargo test -p latchkey-e2e --locked --test bench_explorer -- --ignored --nocapture --test-threads=1

# The release app idle with a service open vs a bare Tauri 2 window, same run:
# CPU and PSS over all processes, binary sizes (not part of make test).
bench-idle: setup-test
	scripts/bench-idle/run.sh

# Fuzzing (cargo-fuzz, nightly): each target in fuzz/ for FUZZ_SECONDS
# (default 60). Not part of `make test`; installs cargo-fuzz when missing.
fuzz:
	scripts/fuzz.sh
