//! What `std` would bring to the release `.wasm`, replaced by less: a panic handler that traps
//! without formatting a message (std's formats every panic message even with `panic = "abort"`,
//! which links `core::fmt`: 3.0 KB gzip), and the global allocator.
//!
//! Release builds only (`not(debug_assertions)`): test harnesses link std, whose panic handler
//! would clash with this one.
//!
//! A panic is a bug; JS sees the trap as an exception from the core (js/export/core_handle.ts:
//! telemetry stops with one warning, the app goes on).
//!
//! The release `.wasm` is built with `-Cpanic=immediate-abort` (scripts/wasm-toolchain.sh): every
//! panic site is a bare `unreachable` and this handler never runs there; `no_std` still needs one,
//! and it must not read its `PanicInfo`, whose texts a stable build would otherwise keep.

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// talc: 1.1 KB gzip smaller than dlmalloc (std's) with the same WASM memory over a long run
/// (1.44 MB after 200,000 spans with large ones among them; 0.6–0.8 MB through the 60 s overload
/// test). lol_alloc was 1.4 KB smaller still, but held 26 % more memory in the first of those
/// and walks its free list on every allocation.
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
