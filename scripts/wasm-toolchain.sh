# The pinned nightly that builds the release .wasm, and its flags; sourced by scripts/setup.sh
# (installs it) and scripts/build-package.sh (builds with it). Only the release .wasm: cargo test,
# clippy, wasm-pack test and crates/query-check stay on stable.
#
# Why a nightly: `-Cpanic=immediate-abort` compiles every panic to a bare `unreachable` (no
# `fmt::Arguments`, no `Location`s built at each panic site), and `-Zbuild-std` rebuilds core and
# alloc at the release profile's opt-level z with LTO across them: the packaged .wasm 42,007 →
# 37,896 B raw, 18,330 → 16,846 B gzip (docs/performance-history.md, "A pinned nightly for the .wasm"). The release .wasm links
# no std (src/lean_runtime.rs), so only core and alloc are rebuilt (about 10 s more per cold
# build: 6.9 → 16.5 s for `cargo build --release` of the .wasm on 2 cores).
# `-Zlocation-detail=none` drops the two `Location` source paths that immediate-abort leaves in
# the data section, which scripts/blank-panic-text.mjs used to zero on stable.
#
# Bumping the pin: nightlies stay on static.rust-lang.org for good, but these flags changed
# shape during 2026 (`panic_immediate_abort` was a std feature before it was a panic strategy);
# rebuild, rerun the size budgets and the JS tests (tests/js/core_failure.test.mjs traps the core).
WASM_TOOLCHAIN=nightly-2026-10-30
# --config appends to .cargo/config.toml's rustflags (the 64 KiB stack stays); RUSTFLAGS would
# replace them.
WASM_CARGO_ARGS=(
  -Z build-std=core,alloc
  --config "target.wasm32-unknown-unknown.rustflags = ['-Zunstable-options', '-Cpanic=immediate-abort', '-Zlocation-detail=none']"
)
