// Where the packaging matrix and the Next.js example leave what they measured (status and
// shipped size per setup): build/packaging/results.json, read by readme-table.mjs.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const RESULTS = fileURLToPath(new URL('../../build/packaging/results.json', import.meta.url));

export function readResults() {
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Merges `entries` ({ setup: { label, status, gzip?, bytes? } }) into the results file, each
 * stamped with the time (the README check refuses results older than the packed tarball).
 */
export function recordResults(entries) {
  mkdirSync(dirname(RESULTS), { recursive: true });
  const stamped = Object.fromEntries(Object.entries(entries).map(([name, r]) => [name, { ...r, at: Date.now() }]));
  writeFileSync(RESULTS, JSON.stringify({ ...readResults(), ...stamped }, null, 2) + '\n');
}

/** The JavaScript (and any .wasm) under `dir` that a browser would download, gzip -9 per file. */
export function shippedBytes(dir) {
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const files = walk(dir).filter((f) => /\.(m?js|wasm)$/.test(f));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.length };
}
