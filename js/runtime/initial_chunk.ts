/**
 * What the lazily loaded modules (the core's chunk, export/core_chunk.ts, and what it holds; the
 * offline store; the `wasmUrl` compiler; js/rum/) use from modules the initial chunk holds anyway,
 * in one place: they import these from here, never from the modules themselves.
 *
 * Why: esbuild's code splitting puts the modules that the entry and lazily loaded chunks share
 * into one file per distinct set of importers. Imported directly, those sets differed (the core's
 * chunk, the offline store, each browser signal…) and the initial chunk came as eight files,
 * each compressed on its own; through here they are one set, so one shared file. Only modules the
 * initial chunk already holds belong here (anything else would move into it). init.ts imports
 * from here too, so that this module is part of that shared file rather than an empty file of
 * its own which every lazily loaded chunk would import.
 */

export { SeverityNumber, SpanKind, SpanStatusCode } from '../api/types.js';
export { logChars } from '../logs/log_values.js';
export { Kind } from '../metrics/instruments.js';
export { currentRoutePattern, navigationSpan } from '../rum/route.js';
export { nowMillis } from '../trace/clock.js';
export { activeSpan, holdPending, withActiveSpan } from '../trace/context.js';
export { randomNonZeroWord, randomWord, wordsToHex } from '../trace/ids.js';
export { sentAsDouble } from '../trace/number_types.js';
export { exceptionAttributes, spanChars } from '../trace/span.js';
export { KeyValueList, MAX_VALUE_DEPTH } from '../wire/key_value_list.js';
export { bundled } from './bundled_modules.js';
export { describe, LOG_PREFIX, thrownMessage, warn } from './diagnostics.js';
export { nativeFetch } from './native_fetch.js';
export { onBeforeHideFlush } from './page_hide.js';
export { concatBytes, transformBytes } from './streams.js';
export { backgroundTimeout } from './timers.js';
