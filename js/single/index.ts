/**
 * The single-file build of the main entry: the same API as `../index.ts`, with the WASM core
 * and the offline store in the same file instead of lazily loaded chunks. package.json's
 * `exports` give it to resolvers without the `browser` and `node` conditions, i.e.
 * `@rollup/plugin-node-resolve` by default, whose usual `format: 'iife'` output cannot hold
 * more than one chunk. Bundlers that split (webpack, Vite, Parcel, Turbopack, esbuild) get
 * `../index.ts` and keep the core out of the page's initial chunk.
 */

import './bundle_lazy_modules.js';

export * from '../index.js';
