// The usual single-file Rollup setup: node-resolve, one IIFE file, nothing else. It fails on
// this package ("UMD and IIFE output formats are not supported for code-splitting builds"),
// whose lazy import()s split it; the matrix asserts that failure (setups.mjs), and
// ../rollup-inline adds the fix, inlineDynamicImports.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife' },
  plugins: [nodeResolve()],
};
