/**
 * The console warnings for problems the WASM core counts: it reports the first of each kind as
 * numbers (`stats(true)`: code, signal, detail triples before the counters; codes in
 * src/diagnostics.rs), the words are here.
 * Later ones are only counted, in `telemetry.stats()`.
 */

import type { Settings } from '../config/schema.js';
import { warn } from '../runtime/initial_chunk.js';
import { CORE_STATS } from './core_stats.js';
import { LOGS, METRICS } from './signals.js';

const QUEUE_FULL = 0;
const QUEUE_OVER_BYTES = 1;
const MALFORMED_RECORD = 2;
const CARDINALITY_OVERFLOW = 3;
const UNKNOWN_SERIES = 4;

/**
 * Writes one warning per `[code, signal, detail]` triple of `stats(true)` (the counters after
 * them are not read here). `instrumentNames`: by instrument id.
 */
export function warnCoreProblems(problems: ArrayLike<number>, settings: Settings, instrumentNames: readonly string[]): void {
  const end = problems.length - CORE_STATS.length;
  for (let i = 0; i + 2 < end; i += 3) {
    const message = problemMessage(problems[i], problems[i + 1], problems[i + 2], settings, instrumentNames);
    if (message) warn(message);
  }
}

function problemMessage(code: number, signal: number, detail: number, settings: Settings, instrumentNames: readonly string[]): string | undefined {
  const logs = signal === LOGS;
  const items = logs ? 'log records' : 'spans';
  const key = logs ? 'logBatch' : 'batch';
  const maxQueueSize = settings[key].maxQueueSize;
  const dropping = `: dropping ${items} until an export makes room (counted in stats().${logs ? 'logs' : 'spans'}DroppedQueueFull)`;
  switch (code) {
    case QUEUE_FULL:
      return `${items} queue full (${maxQueueSize}, \`${key}.maxQueueSize\`)${dropping}`;
    case QUEUE_OVER_BYTES:
      // 2 KiB per slot (BYTES_PER_QUEUE_SLOT in src/pipeline/batch_queue.rs).
      return `${items} queue over ${maxQueueSize * 2} KiB of encoded data (2 KiB per \`maxQueueSize\` slot)${dropping}`;
    case MALFORMED_RECORD:
      return signal === METRICS
        ? 'malformed metric attributes; measurement dropped'
        : `malformed record at byte ${detail}; the rest of that chunk was dropped (please report this as a bug)`;
    case CARDINALITY_OVERFLOW:
      return `metric instrument "${instrumentNames[detail] ?? detail}" reached ${settings.metrics.cardinalityLimit} attribute sets (\`metrics.cardinalityLimit\`); further sets go to one series marked otel.metric.overflow="true"`;
    case UNKNOWN_SERIES:
      return 'measurements for an unknown metric series were dropped';
  }
  return undefined;
}
