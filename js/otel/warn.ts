/** One console warning per kind of problem met by the OpenTelemetry API bridge (the rest of the SDK counts its own). */

import { warn } from '../runtime/diagnostics.js';

const warned = new Set<string>();

export function warnOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  warn(message);
}
