/**
 * One console warning per kind of delivery problem (the offline store's evictions, expiries,
 * failed writes, a failed load…): the counts are in `telemetry.stats()`, the console says once
 * that they are happening.
 */

import { warn } from '../runtime/initial_chunk.js';

export class WarnOnce {
  private readonly seen = new Set<string>();

  /** Writes `message()` the first time `kind` comes up; later ones are only counted elsewhere. */
  warn(kind: string, message: () => string): void {
    if (this.seen.has(kind)) return;
    this.seen.add(kind);
    warn(message());
  }
}
