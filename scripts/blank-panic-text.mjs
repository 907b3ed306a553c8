// Blanks (zeroes) the panic messages and source paths in the release .wasm's data section. The
// release panic handler (src/lean_runtime.rs) traps without reading its `PanicInfo`, so these
// bytes are never read; on stable Rust they are still emitted (only nightly's
// `-Zlocation-detail=none` / `panic_immediate_abort` drop them). Zeroed, they cost almost
// nothing compressed: the .wasm 19,036 → about 18,400 B gzip on 2026-11-30. Their length and
// offsets stay, so nothing else in the module moves. Only panic-only texts are listed: the
// messages wasm-bindgen throws to JS ("Out of bounds access", …) and data the core reads
// ("otel.metric.overflow", the string table's error reasons) are not touched.
// Run after wasm-pack, before wasm-build-id.mjs (the id hashes the blanked module).
import { readFileSync, writeFileSync } from 'node:fs';

/** core / alloc / talc panic texts and our own `expect` messages (src/pipeline/batch_queue.rs). */
const PANIC_TEXTS = [
  'slice index starts at ', ' but ends at ', 'index out of bounds: the len is ', ' but the index is ',
  'range start index ', ' out of range for slice of length ', 'range end index ',
  'copy_from_slice: source slice length (', ') does not match destination slice length (',
  'insertion index (is ', ') should be <= len (is ', 'dest is out of bounds',
  'called `Result::unwrap()` on an `Err` value', 'called `Option::unwrap()` on a `None` value',
  'capacity overflow', 'Tried to shrink to a larger capacity', 'memory allocation of ', ' bytes failed',
  'heap covers the null address!', 'new_heap must contain old_heap', 'new_heap covers the null address!',
  'assertion failed: old_heap.size() >= MIN_HEAP_SIZE', 'assertion failed: !self.bins.is_null()',
  'the block just read', 'a block with room was just ensured',
];
/** `Location` file names: a relative or absolute path to a Rust source file. */
const SOURCE_PATH = /(?:\/|\b(?:src|crates)\/)[A-Za-z0-9_.\-/]*\.rs(?![A-Za-z0-9_])/g;

const [wasmPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);

/** Reads an unsigned LEB128 at `pos`: `[value, next position]`. */
function leb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}

// The data section (id 11): the only place these texts are.
let pos = 8;
let data;
while (pos < wasm.length) {
  const id = wasm[pos];
  const [size, start] = leb(wasm, pos + 1);
  if (id === 11) data = wasm.subarray(start, start + size);
  pos = start + size;
}
if (!data) throw new Error('blank-panic-text: the module has no data section');

const text = data.toString('latin1');
let blanked = 0;
const blank = (at, length) => {
  data.fill(0, at, at + length);
  blanked += length;
};
for (const t of PANIC_TEXTS) for (let at = text.indexOf(t); at >= 0; at = text.indexOf(t, at + t.length)) blank(at, t.length);
for (const m of text.matchAll(SOURCE_PATH)) blank(m.index, m[0].length);
// A build that blanks nothing means the texts moved (another toolchain): say so, do not fail.
if (blanked === 0) console.warn('blank-panic-text: no panic text found in the data section; update the list');
writeFileSync(wasmPath, wasm);
