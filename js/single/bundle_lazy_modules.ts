/**
 * Puts the modules the package otherwise loads lazily into this build's one file (see
 * `runtime/bundled_modules.ts`). This file has side effects on purpose: package.json's
 * `sideEffects` lists `dist/single/*.js` (the entries too: bundlers skip the imports of an entry
 * marked side-effect free), and the assignments are what keeps the imports in the bundle.
 */

// The glue and the pipelines are one chunk elsewhere (export/core_chunk.ts), imported as one here.
import * as coreChunk from '../export/core_chunk.js';
import * as inline from '../wasm/inline_wasm.js';
import * as store from '../export/offline_store.js';
import * as fetch from '../runtime/wasm_fetch.js';
import * as rum from '../rum/index.js';
import * as documentLoad from '../rum/document_load.js';
import * as navigation from '../rum/navigation.js';
import * as webVitals from '../rum/web_vitals.js';
import * as longAnimationFrames from '../rum/long_animation_frames.js';
import * as userActions from '../rum/user_actions.js';
import { bundled } from '../runtime/bundled_modules.js';

bundled.core = coreChunk;
bundled.inline = inline;
bundled.store = store;
bundled.fetch = fetch;
bundled.pipelines = coreChunk;
bundled.rum = rum;
bundled.documentLoad = documentLoad;
bundled.navigation = navigation;
bundled.webVitals = webVitals;
bundled.longAnimationFrames = longAnimationFrames;
bundled.userActions = userActions;
