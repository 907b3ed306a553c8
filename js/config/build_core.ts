/**
 * Validates the configuration and builds the WASM core from it, as `initTelemetry` does. Loaded
 * lazily, next to the core's own chunk: validation and its messages are cold code that the
 * page's initial chunk need not carry.
 */

import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';
import { RecordWriter } from '../wire/record_writer.js';
import { coreLimits } from './core_args.js';
import { resolveConfig } from './resolve.js';
import { resourceAttributes, type BrowserFacts } from './resource.js';
import type { Settings } from './schema.js';

export type Built = { core: TelemetryCore; settings: Settings; warnings: string[] } | { core: undefined; error: string; warnings: string[] };

export function buildCore(config: unknown, Core: typeof TelemetryCore, facts: () => BrowserFacts, nowMs: number): Built {
  const { settings, error, warnings } = resolveConfig(config);
  if (!settings) return { core: undefined, error: error ?? 'invalid configuration', warnings };
  const resource = new RecordWriter().encodeAttributes(resourceAttributes(settings, facts()));
  return { core: new Core(coreLimits(settings), resource, nowMs), settings, warnings };
}
