// The usual single-file Rollup setup: node-resolve, one IIFE file, nothing else
// (no inlineDynamicImports: the package must not need it).
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife' },
  plugins: [nodeResolve()],
};
