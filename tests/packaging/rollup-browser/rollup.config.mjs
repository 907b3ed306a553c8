// The same single-file setup with `nodeResolve({ browser: true })` (e.g. Svelte's old template).
// Its conditions (default, module, import, production, browser) are exactly Vite's, so the
// package's `exports` cannot tell it from Vite, which must keep the lazily loaded core chunk:
// this gets the splitting build and Rollup refuses it for iife. The matrix asserts that
// failure (setups.mjs); ../rollup-inline adds the fix, inlineDynamicImports.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife' },
  plugins: [nodeResolve({ browser: true })],
};
