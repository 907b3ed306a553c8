// The single-file setup with `nodeResolve({ browser: true })` plus the one option it needs (see
// ../rollup-browser): Rollup's iife output takes the lazily loaded chunks (WASM core, offline
// store) into its one file only with inlineDynamicImports.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife', inlineDynamicImports: true },
  plugins: [nodeResolve({ browser: true })],
};
