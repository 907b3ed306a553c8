/**
 * Counted warnings for problems found in JS (bad attribute values, limits, calls after end).
 * Each kind is written to the console once; every occurrence is counted for
 * `telemetry.stats()`. Telemetry must never throw into the app, nor flood its console.
 */

export const LOG_PREFIX = '[greptime-web-telemetry]';

export type ProblemKind =
  | 'invalidAttributes'
  | 'attributesOverLimit'
  | 'attributeValuesTruncated'
  | 'eventsOverLimit'
  | 'linksOverLimit'
  | 'invalidArguments'
  | 'callsAfterEnd'
  | 'invalidMeasurements'
  | 'callbackErrors'
  | 'metricAttributesConverted'
  | 'metricCollectionErrors'
  | 'ambiguousParents'
  | 'ambientSpansExpired'
  | 'unwritableRecords'
  | 'droppedBeforeReady'
  | 'longAnimationFramesDropped';

/** Every kind at zero: the starting counts, and the no-op SDK's stats. */
export function zeroCounts(): Record<ProblemKind, number> {
  return {
    invalidAttributes: 0,
    attributesOverLimit: 0,
    attributeValuesTruncated: 0,
    eventsOverLimit: 0,
    linksOverLimit: 0,
    invalidArguments: 0,
    callsAfterEnd: 0,
    invalidMeasurements: 0,
    callbackErrors: 0,
    metricAttributesConverted: 0,
    metricCollectionErrors: 0,
    ambiguousParents: 0,
    ambientSpansExpired: 0,
    unwritableRecords: 0,
    droppedBeforeReady: 0,
    longAnimationFramesDropped: 0,
  };
}

export class Diagnostics {
  readonly counts: Record<ProblemKind, number> = zeroCounts();

  /** Counts one occurrence; `message` is built and printed only for the first of its kind. */
  report(kind: ProblemKind, message: () => string): void {
    if (this.counts[kind]++ === 0) {
      warn(`${message()} (later ones are only counted in telemetry.stats().${kind})`);
    }
  }
}

/** The one way this package writes to the console. */
export function warn(message: string): void {
  try {
    console.warn(`${LOG_PREFIX} ${message}`);
  } catch {
    // A replaced or missing console must not break the app.
  }
}

/** A short description of a value for warnings that never calls user code (no toString). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  if (t === 'number') return String(value);
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`;
}

/**
 * A readable one-line message for anything thrown (`Error`, string, null-prototype object,
 * Proxy, Symbol, frozen Error…). Reads only own data where it can, never calls `toString`,
 * and never throws; the value itself is left untouched. `withName`: an Error's message is
 * prefixed with its name (`TypeError: …`), as a log line shows it.
 */
export function thrownMessage(value: unknown, withName = false): string {
  try {
    if (typeof value === 'string') return value;
    if (typeof value === 'symbol') return 'a symbol was thrown';
    if (value !== null && typeof value === 'object') {
      const e = value as { name?: unknown; message?: unknown };
      const message = typeof e.message === 'string' ? e.message : undefined;
      const name = typeof e.name === 'string' && e.name ? e.name : undefined;
      if (message !== undefined) return withName && name && value instanceof Error ? `${name}: ${message}` : message;
      if (name) return name;
    }
  } catch {
    // A Proxy or a throwing getter: describe it without reading it.
  }
  return `${describe(value)} was thrown`;
}
