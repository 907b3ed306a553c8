//! What `std` would bring to the release `.wasm`, replaced by less: a panic handler that traps
//! without formatting a message (std's formats every panic message even with `panic = "abort"`,
//! which links `core::fmt`, about 4 KB gzip), and the global allocator.
//!
//! Release builds only (`not(debug_assertions)`): test harnesses link std, whose panic handler
//! would clash with this one.
//!
//! A panic is a bug; JS sees the trap as an exception from the core (js/export/core_handle.ts:
//! telemetry stops with one warning, the app goes on).

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;
