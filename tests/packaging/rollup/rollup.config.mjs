// The usual single-file Rollup setup: node-resolve with its defaults, one IIFE file, nothing
// else. The package's `exports` give resolvers without the `browser` condition its single-file
// build (core and offline store in the same file), so this builds with no option for it.
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'main.js',
  output: { file: 'dist/bundle.js', format: 'iife' },
  plugins: [nodeResolve()],
};
