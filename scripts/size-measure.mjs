// What the package costs a page, measured the way a user's bundler ships it: esbuild, minified
// ESM for the browser with code splitting, each output file gzipped (-9) and brotli'd (-q 11)
// on its own, as a server sends each file. Used by scripts/size-budgets.mjs (the budgets in the
// test command and the README's size table).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync, inflateRawSync } from 'node:zlib';

/**
 * The entries a page imports. `main` alone; every other one with `main`, as an app that uses it
 * ships both (its peers external, as the app provides them).
 */
export const ENTRIES = {
  main: { label: '`import { initTelemetry }`', code: (d) => `import { initTelemetry } from '${d}/index.js';\nwindow.t = [initTelemetry];\n` },
  react: { label: 'with `greptime-web-telemetry/react` too (React external)', code: (d) => `import { initTelemetry } from '${d}/index.js';\nimport * as r from '${d}/react/index.js';\nwindow.t = [initTelemetry, r];\n` },
  next: { label: 'with `greptime-web-telemetry/next` too', code: (d) => `import { initTelemetry } from '${d}/index.js';\nimport * as n from '${d}/next/index.js';\nwindow.t = [initTelemetry, n];\n` },
  otel: { label: 'with `greptime-web-telemetry/otel` too (`@opentelemetry/api` external)', code: (d) => `import { initTelemetry } from '${d}/index.js';\nimport * as o from '${d}/otel/index.js';\nwindow.t = [initTelemetry, o];\n` },
  eager: { label: "with `import 'greptime-web-telemetry/eager'` too (the core in it)", code: (d) => `import '${d}/eager/index.js';\nimport { initTelemetry } from '${d}/index.js';\nwindow.t = [initTelemetry];\n` },
};
const EXTERNAL = ['react', 'react/*', '@opentelemetry/api'];
// The package's own dependencies (web-vitals) resolve from the repository's node_modules, also
// for a copy of the package elsewhere (tests/js/size_budgets.test.mjs).
const NODE_PATHS = [join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules')];

/** `{ raw, gzip, brotli }` of one buffer. */
export function sizesOf(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
/** The sum of two `sizesOf` results. */
export const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };
/** Chunks of which a page loads one: the inlined module, or the `wasmUrl` compiler instead. */
const WASM_ALTERNATIVES = ['wasm/inline_wasm.js', 'runtime/wasm_fetch.js'];

/**
 * What a lazily loaded output chunk is, from esbuild's metafile entry `meta` (paths relative to
 * `cwd`, the build's working directory) and the package's `dist` directory: `name`, the package
 * file its `import()` loads, or (a chunk esbuild split out of several) the package files in it;
 * `kind`, how the budgets count it: `rum` (the browser signals', counted apart), `wasm` (one of
 * the two ways the .wasm arrives, of which a page loads one) or `core`.
 */
export function lazyChunk(meta, dist, cwd) {
  const inputs = meta.entryPoint ? [meta.entryPoint] : Object.keys(meta.inputs);
  const parts = inputs.map((p) => relative(dist, resolve(cwd, p))).sort();
  const name = parts.join(' + ') || '(esbuild runtime)';
  const kind = parts.length > 0 && parts.every((p) => p.startsWith('rum/')) ? 'rum' : WASM_ALTERNATIVES.includes(name) ? 'wasm' : 'core';
  return { name, kind };
}

/**
 * Bundles `entry` as a user's bundler ships it (esbuild, minified ESM for the browser with code
 * splitting, nothing written) and measures each output file on its own. `options` go to esbuild
 * (`outdir` is required; `nodePaths`, `external`, `metafile`…). Resolves to
 * `{ files: [{ path, sizes }], metafile }`.
 */
export async function bundleAndMeasure(entry, options) {
  const out = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', splitting: true, write: false, ...options });
  return { files: out.outputFiles.map((f) => ({ path: f.path, sizes: sizesOf(Buffer.from(f.contents)) })), metafile: out.metafile };
}

/**
 * Measures the built package in `pkgDir` (build/pkg). Returns
 * `{ wasm, entries: { main: { initial, all, rum }, react: { initial, all, rum }, … }, lazy: { '<dist path>': sizes } }`:
 * `initial` is the entry's file plus every chunk it imports statically (what the page waits
 * for), `all` adds the core's lazily loaded chunks (of `wasm/inline_wasm.js` and `runtime/wasm_fetch.js`, which a page
 * loads one of, the larger), `rum` is the browser signals' chunks (js/rum/,
 * each loaded only when its signal is on), counted apart from the core's budget; `lazy` names each lazily loaded chunk by the
 * package file its `import()` loads (its path under dist/), over all entries.
 */
export async function measurePackage(pkgDir) {
  const dist = join(resolve(pkgDir), 'dist');
  const tmp = mkdtempSync(join(tmpdir(), 'gwt-sizes-'));
  const result = { wasm: undefined, entries: {}, lazy: {} };
  try {
    const { WASM_DEFLATE_BASE64 } = await import(pathToFileURL(join(dist, 'wasm/inline_wasm.js')).href);
    result.wasm = sizesOf(inflateRawSync(Buffer.from(WASM_DEFLATE_BASE64, 'base64')));
    for (const [name, entry] of Object.entries(ENTRIES)) {
      const file = join(tmp, `${name}.js`);
      writeFileSync(file, entry.code(dist));
      const out = await bundleAndMeasure(file, { outdir: join(tmp, 'out', name), metafile: true, logLevel: 'silent', external: EXTERNAL, nodePaths: NODE_PATHS, absWorkingDir: tmp });
      const files = new Map(out.files.map((f) => [relative(tmp, f.path), f.sizes]));
      const outputs = out.metafile.outputs;
      // The entry's file and what it imports statically, transitively.
      const initial = new Set();
      const visit = (path) => {
        if (initial.has(path)) return;
        initial.add(path);
        for (const i of outputs[path].imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path);
      };
      visit(Object.keys(outputs).find((p) => outputs[p].entryPoint === `${name}.js`));
      let init = ZERO;
      let all = ZERO;
      let rum = ZERO;
      // The two ways the .wasm reaches a page: inlined (the default) or compiled from `wasmUrl`
      // (runtime/wasm_loader.ts loads one or the other, never both). `all` counts the larger.
      let wasmWay = ZERO;
      for (const [path, meta] of Object.entries(outputs)) {
        const s = files.get(path);
        if (initial.has(path)) {
          init = add(init, s);
          all = add(all, s);
          continue;
        }
        const { name: lazyName, kind } = lazyChunk(meta, dist, tmp);
        if (kind === 'rum') rum = add(rum, s);
        else if (kind === 'wasm') wasmWay = s.gzip > wasmWay.gzip ? s : wasmWay;
        else all = add(all, s);
        const seen = result.lazy[lazyName];
        if (!seen || seen.gzip < s.gzip) result.lazy[lazyName] = s;
      }
      result.entries[name] = { initial: init, all: add(all, wasmWay), rum };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}
