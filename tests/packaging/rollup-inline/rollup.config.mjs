// The single-file Rollup setup plus the one option the package needs: its WASM core and offline
// store are lazy import()s (kept out of the page's initial chunk), and Rollup's iife output
// takes them into its one file only with inlineDynamicImports.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife', inlineDynamicImports: true },
  plugins: [nodeResolve()],
};
