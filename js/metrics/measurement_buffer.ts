/**
 * Measurements wait here as `(series id, value)` pairs in one Float64Array, and cross into the
 * WASM core in bulk (one copy per 1024 measurements or per collection), so `counter.add` on a
 * known attribute set never calls into WASM.
 */

import type { CoreHandle } from '../export/core_handle.js';

const PAIRS = 1024;

export class MeasurementBuffer {
  readonly #pairs = new Float64Array(2 * PAIRS);
  private used = 0;

  constructor(private readonly handle: CoreHandle) {}

  push(series: number, value: number): void {
    const i = this.used;
    this.#pairs[i] = series;
    this.#pairs[i + 1] = value;
    this.used = i + 2;
    if (this.used === this.#pairs.length) this.flush();
  }

  /** Whether measurements wait here (made since the last collection, fewer than fill the buffer). */
  get pending(): boolean {
    return this.used > 0;
  }

  /** Hands everything buffered to the core (before a collection, and when full). */
  flush(): void {
    if (this.used === 0) return;
    const view = this.#pairs.subarray(0, this.used);
    this.used = 0;
    this.handle.call((c) => c.recordMeasurements(view), undefined);
  }
}
