#!/usr/bin/env bash
# Benchmarks (not tests): measures the release app in a real desktop session beside the
# floor, and prints a Markdown report to stdout.
# Usage: bash tests/bench.sh [--full] > /tmp/bench.md
#   (no flag)  CI's short report: start and idle beside the floor, connect, the 100,000-entry
#              listing and one 1 GiB download (a few minutes once everything is built).
#   --full     the whole set that tests/BENCHMARKS.md is made from: also the 10,000-entry
#              listing, live updates, a start from the stored listing, five runs of each,
#              the official Python SDK beside Dropdesk's client, fakebox's paging, the
#              heap a cached listing costs, uploads beside curl, and delete/undo of 1,000
#              files with the store's write of one change, whole beside as a delta.
set -euo pipefail
cd "$(dirname "$0")/.."
full=""
[ "${1:-}" = "--full" ] && full=1
bash .ci/setup >&2
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p dropdesk --no-default-features --features tauri/custom-protocol >&2
# The .deb: the one CI has just packed from this very binary (BENCH_DEB), else packed now.
deb="${BENCH_DEB:-}"
if [ -z "$deb" ]; then
  bash .ci/package >&2
  deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
fi
cargo build --release --locked -p floor --features tauri/custom-protocol >&2
cargo build --release --locked -p e2e --bins >&2
echo "bench: built after ${SECONDS} s" >&2
BENCH_FULL="$full" BENCH_DATE="$(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB" \
BENCH_DEB="$deb" DROPDESK_APP="$PWD/target/release/dropdesk" ./target/release/bench
echo "bench: the app measured after ${SECONDS} s" >&2
[ -n "$full" ] || exit 0
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
echo
# Uploads over TLS: 1 GiB beside curl on the same routes and chunk size, and 1,000 small
# files as a folder (batched) beside one files/upload each.
cargo bench --locked -p dropdesk --features tauri/custom-protocol --bench upload 2>/dev/null | grep "^|"
echo
# Keeping the folder in order: 1,000 files deleted in one batch and brought back by Undo
# (time, requests by route), and one live change written to a stored folder of 100,000
# entries, whole beside as a delta.
cargo bench --locked -p dropdesk --features tauri/custom-protocol --bench organize 2>/dev/null | grep "^|"
