#!/usr/bin/env bash
# The window benchmark: builds a 100,000-message store (the store benchmark's
# generator, plus a 20-message conversation), then runs the real app on it
# under Xvfb and prints: start to interactive, opening a 20-message
# conversation (click to paint), and the thread list's frame rate while
# scrolling. Release builds; run on a quiet machine.
#
#   bash bench/ui.sh [--messages N]
set -euo pipefail
cd "$(dirname "$0")/.."

messages=100000
if [[ "${1:-}" == "--messages" ]]; then messages="$2"; fi

store="$(mktemp -d -t candor-ui-bench.XXXXXX)"
trap 'rm -rf "$store"' EXIT

npm --prefix ui run build >/dev/null
CANDOR_BENCH_MESSAGES="$messages" CANDOR_BENCH_UI_STORE="$store" \
  cargo bench -p candor-store --bench latency
cargo build --release --bin candor-app
# The benchmark itself is a window test (debug is fine: it only drives the
# window); CANDOR_APP_BINARY points it at the release app.
CANDOR_APP_BINARY="$PWD/target/release/candor-app" CANDOR_BENCH_UI_STORE="$store" \
  cargo test --workspace --test e2e -- --ignored --nocapture bench::
