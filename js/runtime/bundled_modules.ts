/**
 * The lazily loaded modules (the WASM core's glue and the pipelines, one chunk elsewhere:
 * export/core_chunk.ts; the inlined module, the offline store, the `wasmUrl` compiler, the
 * browser signals), when the single-file build (`js/single/`) has already put them into the
 * page's one script. The loaders use these instead of their `import()`: Rollup then finds every dynamically imported
 * module already in the entry chunk and emits one file, which its `iife` output requires.
 * Empty in the default build, where the `import()`s fetch separate chunks.
 */

export interface BundledModules {
  /** Glue and pipelines: export/core_chunk.ts in both. */
  core?: typeof import('../export/core_chunk.js');
  inline?: typeof import('../wasm/inline_wasm.js');
  store?: typeof import('../export/offline_store.js');
  fetch?: typeof import('./wasm_fetch.js');
  /** The configuration's validator (js/config/), the pipelines and what feeds them. */
  pipelines?: typeof import('../export/pipelines.js');
  /** The browser signals' loader and its signals (js/rum/). */
  rum?: typeof import('../rum/index.js');
  documentLoad?: typeof import('../rum/document_load.js');
  navigation?: typeof import('../rum/navigation.js');
  webVitals?: typeof import('../rum/web_vitals.js');
  longAnimationFrames?: typeof import('../rum/long_animation_frames.js');
  userActions?: typeof import('../rum/user_actions.js');
}

export const bundled: BundledModules = {};
