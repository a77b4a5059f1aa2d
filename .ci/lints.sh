# Sourced by the CI scripts before their first build: Clippy's lints ride on the builds.
# cargo compiles the workspace's own crates through clippy-driver (rustc with Clippy's
# lints, given Clippy's arguments in CLIPPY_ARGS, as `cargo clippy -- -D warnings` gives
# them); dependencies are compiled by rustc as always, and shared with plain builds. So
# the build of the tests (every target, benchmarks included) lints what
# `cargo clippy --workspace --all-targets -- -D warnings` lints, and the release build
# lints the app as packaged (no demo), without a separate check build of every
# dependency. Every cargo command of a CI run sees the same two variables, so nothing is
# built twice for them.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS=-Dwarnings
