/**
 * Every configuration key, its type, default and rule (the documented defaults of
 * `TelemetryConfig` in ../api/types.ts and the README's Configuration table). Adding a setting
 * is one line here: `myKey: boolean(false),` (or `integer(min, max, default)`, `string()`,
 * `object({ … })`, or a reader of its own); the resolved type follows from the line.
 */

import { resourceAttributes } from './attributes.js';
import { endpoint, headerSetting, headers } from './endpoint.js';
import { traceModel } from './trace_model.js';
import { boolean, ConfigError, integer, object, readElsewhere, shown, string, typeName, type Reader, type Resolved, type Warnings } from './values.js';

export const DEFAULT_DATABASE = 'public';
export const DEFAULT_LOG_TABLE = 'opentelemetry_logs';
export const DEFAULT_SERVICE_NAME = 'unknown_service:webjs';
const HOUR = 3_600_000;
/** Span limits: OpenTelemetry's, except values are cut at 8 KiB (one runaway value should not bloat every batch). */
const MAX_LIMIT = 1 << 24;

/** OpenTelemetry's BatchSpanProcessor defaults; logs send after 1 s (BatchLogRecordProcessor). */
const batch = (scheduledDelayMillis: number) =>
  object(
    {
      maxQueueSize: integer(1, 1 << 20, 2048),
      maxExportBatchSize: integer(1, 1 << 20, 512),
      scheduledDelayMillis: integer(0, HOUR, scheduledDelayMillis),
      exportTimeoutMillis: integer(1, HOUR, 30_000),
    },
    'using the defaults',
    (b, key, w) => {
      // As OpenTelemetry does: a batch can never be larger than the queue.
      if (b.maxExportBatchSize > b.maxQueueSize) {
        w.warn(
          `\`${key}.maxExportBatchSize\` (${b.maxExportBatchSize}) is larger than \`${key}.maxQueueSize\` (${b.maxQueueSize}); using ${b.maxQueueSize}`,
        );
        b.maxExportBatchSize = b.maxQueueSize;
      }
    },
  );

/** `enabled: false` is fatal (a silent no-op), checked before anything else. */
const enabled: Reader<boolean> = (v, key, w) => {
  if (!boolean(true)(v, key, w)) throw new ConfigError('telemetry is disabled (`enabled: false`)');
  return true;
};

const database: Reader<string> = (v, key, w) => {
  let db = string(DEFAULT_DATABASE)(v, key, w);
  if (db === '') {
    w.warn(`\`database\` is empty; using "${DEFAULT_DATABASE}"`);
    db = DEFAULT_DATABASE;
  } else if (db.includes('-')) {
    const i = db.indexOf('-');
    w.warn(`\`database\` "${db}" contains '-': GreptimeDB reads it as catalog "${db.slice(0, i)}", schema "${db.slice(i + 1)}"`);
  }
  return headerSetting(key, db);
};

const serviceName: Reader<string> = (v, key, w) => {
  const name = string()(v, key, w);
  if (name) return name;
  w.warn(`\`serviceName\` is not set; spans are stored under service_name "${DEFAULT_SERVICE_NAME}"`);
  return DEFAULT_SERVICE_NAME;
};

const traceTable: Reader<string | undefined> = (v, key, w) => {
  const table = string()(v, key, w);
  return table ? headerSetting(key, table) : undefined;
};

const logTable: Reader<string> = (v, key, w) => headerSetting(key, string()(v, key, w) || DEFAULT_LOG_TABLE);

const temporality: Reader<'cumulative' | 'delta'> = (v, key, w) => {
  if (v === undefined) return 'cumulative';
  if (typeof v === 'string' && /^(cumulative|delta)$/i.test(v)) return v.toLowerCase() as 'cumulative' | 'delta';
  w.warn(`\`${key}\` must be "cumulative" or "delta", got ${shown(v)}; using cumulative`);
  return 'cumulative';
};

/** The elements of an array setting (at most 1024), or `undefined` (warned) when it is not an array. */
function list(v: unknown, key: string, w: Warnings, what: string): unknown[] | undefined {
  try {
    if (Array.isArray(v)) return v.slice(0, 1024);
  } catch {
    /* a Proxy that refuses to be read: reported below */
  }
  w.warn(`\`${key}\` must be ${what}, got ${typeName(v)}; ignored`);
  return undefined;
}

const CONSOLE_LEVELS = ['debug', 'log', 'info', 'warn', 'error'];
/** `true` (info, warn, error), `false`, or a list of console method names. */
const captureConsole: Reader<string[]> = (v, key, w) => {
  if (v === undefined || v === false) return [];
  if (v === true) return ['info', 'warn', 'error'];
  const levels: string[] = [];
  for (const item of list(v, key, w, 'a boolean or a list of levels') ?? []) {
    if (typeof item === 'string' && CONSOLE_LEVELS.includes(item)) {
      if (!levels.includes(item)) levels.push(item);
    } else {
      w.warn(`\`${key}\` entries must be one of ${CONSOLE_LEVELS.join(', ')}; ignored ${shown(item)}`);
    }
  }
  return levels;
};

/** Share of new traces recorded, 0 to 1. */
const sampleRatio: Reader<number> = (v, key, w) => {
  if (v === undefined) return 1;
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  w.warn(`\`${key}\` must be a number from 0 to 1, got ${typeof v === 'number' ? String(v) : typeName(v)}; using 1`);
  return 1;
};

const corsUrls: Reader<(string | RegExp)[]> = (v, key, w) => {
  if (v === undefined) return [];
  const out: (string | RegExp)[] = [];
  for (const item of list(v, key, w, 'a list of strings or regular expressions') ?? []) {
    if (typeof item === 'string' || typeName(item) === 'regexp') out.push(item as string | RegExp);
    else w.warn(`\`${key}\` entries must be strings or regular expressions, got ${typeName(item)}; ignored`);
  }
  return out;
};

const OFFLINE = object({ enabled: boolean(true), maxBytes: integer(0, 1 << 30, 5 * 1024 * 1024), maxAgeMillis: integer(0, 30 * 24 * HOUR, 24 * HOUR) });
/** `false`/`true`, or `{ enabled, maxBytes, maxAgeMillis }`. */
const offline: Reader<ReturnType<typeof OFFLINE>> = (v, key, w) =>
  typeof v === 'boolean' ? { ...OFFLINE(undefined, key, w), enabled: v } : OFFLINE(v, key, w);

const COMPRESSION = object({ thresholdBytes: integer(0, 1 << 30, 1024) }, 'using gzip above 1024 bytes');
/** gzip bodies at least `thresholdBytes` large; 0: never. `false`/`'none'` turn it off. */
const compression: Reader<number> = (v, key, w) => {
  if (v === false || v === 'none') return 0;
  if (v === undefined || v === true || v === 'gzip') return 1024;
  return COMPRESSION(v, key, w).thresholdBytes;
};

/** The top-level keys, read in this order (`enabled` and `endpoint` first: they can be fatal). */
export const SCHEMA = {
  enabled,
  endpoint,
  database,
  headers,
  username: string(),
  password: string(),
  serviceName,
  serviceVersion: string(),
  resourceAttributes,
  traceTable,
  logTable,
  batch: batch(5_000),
  logBatch: batch(1_000),
  metrics: object({
    // 15 s (OpenTelemetry waits 60 s, which loses most short page views' metrics).
    exportIntervalMillis: integer(100, HOUR, 15_000),
    exportTimeoutMillis: integer(1, HOUR, 30_000),
    temporality,
    cardinalityLimit: integer(2, 100_000, 2_000),
  }),
  captureErrors: boolean(false),
  captureConsole,
  spanLimits: object({
    attributeCountLimit: integer(0, MAX_LIMIT, 128),
    attributeValueLengthLimit: integer(1, MAX_LIMIT, 8_192),
    eventCountLimit: integer(0, MAX_LIMIT, 128),
    linkCountLimit: integer(0, MAX_LIMIT, 128),
    attributePerEventCountLimit: integer(0, MAX_LIMIT, 128),
    attributePerLinkCountLimit: integer(0, MAX_LIMIT, 128),
  }),
  retry: object({
    maxAttempts: integer(1, 20, 6),
    initialBackoffMillis: integer(1, 600_000, 1_000),
    maxBackoffMillis: integer(1, HOUR, 5_000),
  }),
  offline,
  compression,
  sampleRatio,
  instrumentFetch: boolean(false),
  instrumentXhr: boolean(false),
  propagateTraceHeaderCorsUrls: corsUrls,
  selfMetrics: boolean(false),
  // Checked where the browser signals load (config/rum.ts, run by build_core.ts): a page with
  // `rum: false` never loads that validator.
  rum: readElsewhere,
  traceModel,
  // Read and checked before the core exists (runtime/wasm_url.ts).
  wasmUrl: readElsewhere,
};

/** The configuration as validated: every key present, with its default when not set. */
export type Settings = Resolved<typeof SCHEMA>;
