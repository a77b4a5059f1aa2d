#!/usr/bin/env bash
# Regenerates the README's pictures (tests/e2e/screenshots/) by running the end-to-end
# tests that take them. Tests on their own write screenshots under target/ only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --locked -p dropdesk
DROPDESK_SCREENSHOTS="$PWD/tests/e2e/screenshots" cargo test --locked -p e2e
git status --short tests/e2e/screenshots
