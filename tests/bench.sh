#!/usr/bin/env bash
# Benchmarks (not tests): builds the release app and its .deb, then measures the app in a
# real desktop session and fakebox's paging, and prints a Markdown report to stdout.
# Usage: bash tests/bench.sh > /tmp/bench.md
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup >&2
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p dropdesk --features tauri/custom-protocol >&2
bash .ci/package >&2
cargo build --release --locked -p floor --features tauri/custom-protocol >&2
cargo build --release --locked -p e2e --bins >&2
echo "bench: built after ${SECONDS} s" >&2
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
BENCH_DATE="$(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB" \
BENCH_DEB="$deb" DROPDESK_APP="$PWD/target/release/dropdesk" ./target/release/bench
echo "bench: the app measured after ${SECONDS} s" >&2
echo
# The official Python SDK, side by side with Dropdesk's client, through one TLS front.
if [ ! -x target/bench-venv/bin/python ]; then
  python3 -m venv target/bench-venv >&2
fi
target/bench-venv/bin/pip install --quiet dropbox >&2
BENCH_PYTHON="$PWD/target/bench-venv/bin/python" cargo bench --locked -p dropdesk --features tauri/custom-protocol --bench listing 2>/dev/null
echo "bench: the SDK compared after ${SECONDS} s" >&2
echo
echo '| fakebox paging | figure |'
echo '| --- | --- |'
cargo bench --locked -p fakebox --bench paging 2>/dev/null | sed -n 's/^fakebox: \(.*\)$/| 100,000 entries over HTTP | \1 |/p'
echo
# The heap a cached listing costs per entry, counted by allocator (no timing).
cargo bench --locked -p dropdesk --features tauri/custom-protocol --bench listing_memory 2>/dev/null | grep "^|"
