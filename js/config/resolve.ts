/**
 * Validates the app's configuration object: every key is checked, unknown keys and wrong types
 * are reported (with a suggestion when a key looks misspelt) and replaced by defaults; only a
 * missing or unusable endpoint (or a header setting fetch cannot send) is fatal.
 */

import { thrownMessage } from '../runtime/initial_chunk.js';
import { basicAuth } from './endpoint.js';
import { SCHEMA, type Settings } from './schema.js';
import { settleTraceTable } from './trace_model.js';
import { ConfigError, objectKeys, readObject, typeName, type Warnings } from './values.js';

export type { Settings } from './schema.js';

export interface ConfigReport {
  /** The validated configuration, or `undefined` when telemetry cannot run (`error` says why). */
  settings: Settings | undefined;
  error: string | undefined;
  /** Every problem that did not stop it, one message each. */
  warnings: string[];
}

export function resolveConfig(raw: unknown): ConfigReport {
  const warnings: string[] = [];
  const w: Warnings = { warn: (m) => warnings.push(m) };
  try {
    const keys = objectKeys(raw);
    if (keys === undefined) throw new ConfigError(`the configuration must be an object, got ${typeName(raw)}`);
    const settings = readObject(SCHEMA, raw as object, keys, '', w);
    settleTraceTable(settings, w);
    const { username, password } = settings;
    if (username !== undefined && password !== undefined) {
      settings.headers = settings.headers.filter(([n]) => n !== 'x-greptime-auth');
      settings.headers.push(['x-greptime-auth', basicAuth(username, password)]);
    } else if (username !== undefined) {
      w.warn('`username` is set without `password`; sending no credentials');
    } else if (password !== undefined) {
      w.warn('`password` is set without `username`; sending no credentials');
    }
    return { settings, error: undefined, warnings };
  } catch (e) {
    // Only ConfigError is expected; anything else (a bug) must not escape into the app either.
    return { settings: undefined, error: e instanceof ConfigError ? e.message : `invalid configuration (${thrownMessage(e, true)})`, warnings };
  }
}
