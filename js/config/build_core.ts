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
import type { readRum, RumSettings } from './rum.js';
import type { Settings } from './schema.js';
import { boolean, integer, objectKeys, readKey, shown, typeName, unknownKeys } from './values.js';

export type Built =
  | { core: TelemetryCore; settings: Settings; rum: RumSettings | undefined; warnings: string[] }
  | { core: undefined; error: string; warnings: string[] };

/**
 * `checkRum`: the `rum` setting's validator, from the browser signals' chunk (js/rum/index.ts);
 * absent when they are off or could not load (`rum` is then undefined). Its warnings join the others.
 */
export function buildCore(config: unknown, Core: typeof TelemetryCore, facts: () => BrowserFacts, nowMs: number, checkRum?: typeof readRum): Built {
  const { settings, error, warnings } = resolveConfig(config);
  if (!settings) return { core: undefined, error: error ?? 'invalid configuration', warnings };
  const rum = checkRum?.(settings.rum, 'rum', { warn: (m) => warnings.push(m) }, { boolean, integer, objectKeys, readKey, shown, typeName, unknownKeys });
  const resource = new RecordWriter().encodeAttributes(resourceAttributes(settings, facts()));
  return { core: new Core(coreLimits(settings), resource, nowMs), settings, rum, warnings };
}
