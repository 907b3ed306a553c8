// The packaging matrix's setups (shared by matrix.test.mjs and readme-table.mjs): how each app
// is built with its bundler's own minimum, and what is served and shipped. The Next.js rows
// come from examples/nextjs-app-router/e2e.test.mjs (NEXT_SETUPS).

/**
 * Slowest first, so that two at a time finish together. `command`: the build, run in `dir`
 * with this directory's node_modules/.bin; `serve`: the directory served (its index.html
 * loads the app); `out`: where the shipped JavaScript is; `files`: how many JavaScript files
 * it must emit (1 for single-file builds), `splits`: the WASM core must be a chunk of its own
 * (bundlers that split keep it out of the page's initial chunk); `wasmUrl`: the page must fetch the
 * .wasm file and never the inlined module's chunk. `expectedFailure`: the build must fail
 * with this message, recorded as `status` (a setup the package does not support as is).
 */
export const SETUPS = [
  { name: 'parcel', label: 'Parcel 2 (`parcel build index.html`)', dir: 'parcel', service: 'packaging-parcel', command: ['parcel', 'build', 'index.html', '--dist-dir', 'dist', '--cache-dir', '../.cache/parcel', '--no-autoinstall'], caches: ['../.cache/parcel'], serve: 'dist', out: 'dist', splits: true },
  { name: 'webpack', label: 'webpack 5 (`webpack --mode production`, no config file)', dir: 'webpack', service: 'packaging-webpack', command: ['webpack', '--mode', 'production'], serve: '.', out: 'dist', splits: true },
  { name: 'vite-build', label: 'Vite 8 (`vite build`, no config file)', dir: 'vite', service: 'packaging-vite-build', command: ['vite', 'build', '--logLevel', 'warn'], serve: 'dist', out: 'dist', splits: true },
  // The documented `wasmUrl` setup (README, "The WASM core as a file of its own"): the .wasm must
  // be what the page fetched, the inlined chunk never requested.
  { name: 'vite-wasm-url', label: 'Vite 8 (`vite build`), `wasmUrl` from `import … \'greptime-web-telemetry/core.wasm?url\'`', dir: 'vite-wasm-url', service: 'packaging-vite-wasm-url', command: ['vite', 'build', '--logLevel', 'warn'], serve: 'dist', out: 'dist', wasmUrl: true },
  { name: 'vite-dev', label: 'Vite 8 dev server (`vite`)', dir: 'vite', service: 'packaging-vite-dev', dev: true },
  // Rollup's usual single-file config: node-resolve's conditions (no `browser`) get the
  // package's single-file build (pkg-template/package.json `exports`), one chunk, no option.
  { name: 'rollup', label: 'Rollup 4 + `@rollup/plugin-node-resolve`, `output: { file, format: \'iife\' }`, no minifier', dir: 'rollup', service: 'packaging-rollup', command: ['rollup', '-c'], serve: '.', out: 'dist', files: 1 },
  {
    name: 'rollup-browser',
    label: 'Rollup 4 + `nodeResolve({ browser: true })`, `output: { file, format: \'iife\' }`, no minifier',
    dir: 'rollup-browser',
    service: 'packaging-rollup-browser',
    command: ['rollup', '-c'],
    serve: '.',
    out: 'dist',
    // With `browser`, node-resolve's conditions are exactly Vite 8's, which must keep the lazy
    // chunks, so this gets the splitting build and iife output refuses it. The build must fail
    // with this: the day it builds, the test says to update this row.
    expectedFailure: /UMD and IIFE output formats are not supported for code-splitting builds/,
    status: 'fails: code-splitting (add `output.inlineDynamicImports: true`)',
  },
  { name: 'rollup-inline', label: 'Rollup 4 + `nodeResolve({ browser: true })`, `output: { file, format: \'iife\', inlineDynamicImports: true }`, no minifier', dir: 'rollup-inline', service: 'packaging-rollup-inline', command: ['rollup', '-c'], serve: '.', out: 'dist', files: 1 },
  { name: 'esbuild', label: 'esbuild (`--bundle --minify`)', dir: 'esbuild', service: 'packaging-esbuild', command: ['esbuild', 'main.js', '--bundle', '--minify', '--outfile=dist/main.js', '--log-level=warning'], serve: '.', out: 'dist', files: 1 },
];

/** The Next.js example's builds, measured by its own test (no second Next build here). */
export const NEXT_SETUPS = [
  { name: 'next-turbopack', label: 'Next.js 16 App Router, `next build` (Turbopack)' },
  { name: 'next-webpack', label: 'Next.js 16 App Router, `next build --webpack`' },
];
