/** The `Telemetry` handle: tracers, flush, shutdown and stats over one WASM core. */

import type { Telemetry, TelemetryStats, Tracer } from './api/types.js';
import type { TelemetryCore } from './wasm/greptime_web_telemetry.js';
import { Diagnostics } from './runtime/diagnostics.js';
import { fetchTransport, type Transport } from './export/fetch_transport.js';
import { TracePipeline } from './export/trace_pipeline.js';
import { limitsFromCore } from './trace/limits.js';
import { emptyStats } from './trace/noop.js';
import { TracerImpl } from './trace/tracer.js';

const DEFAULT_SCOPE = 'greptime-web-telemetry';
/** Tracers are cached by scope; beyond this many, new scopes get uncached tracers. */
const MAX_CACHED_TRACERS = 64;

export class TelemetrySdk implements Telemetry {
  readonly enabled = true;
  readonly tracer: Tracer;
  private readonly pipeline: TracePipeline;
  private readonly diag = new Diagnostics();
  private readonly tracers = new Map<string, Tracer>();
  private shutdownPromise: Promise<void> | undefined;
  /** The core's counters as they were when it was freed. */
  private finalCoreStats: Record<string, number> | undefined;

  constructor(
    private readonly core: TelemetryCore,
    transport: Transport = fetchTransport,
  ) {
    this.pipeline = new TracePipeline(core, transport, limitsFromCore(core.spanLimits()), this.diag);
    this.tracer = this.getTracer(DEFAULT_SCOPE);
  }

  getTracer(name: string, version?: string): Tracer {
    const scopeName = typeof name === 'string' && name ? name : DEFAULT_SCOPE;
    const scopeVersion = typeof version === 'string' ? version : '';
    const key = `${scopeName}\u0000${scopeVersion}`;
    let tracer = this.tracers.get(key);
    if (!tracer) {
      tracer = new TracerImpl(this.pipeline, scopeName, scopeVersion);
      if (this.tracers.size < MAX_CACHED_TRACERS) this.tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return this.pipeline.forceFlush().catch(() => {});
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.pipeline
      .shutdown()
      .catch(() => {})
      .then(() => {
        this.finalCoreStats = this.pipeline.coreStats();
        try {
          this.core.free();
        } catch {
          // Already unusable: nothing left to free.
        }
      });
    return this.shutdownPromise;
  }

  stats(): TelemetryStats {
    const stats = emptyStats();
    const core = this.finalCoreStats ?? this.pipeline.coreStats();
    Object.assign(stats, core, this.diag.counts);
    stats.spansStarted = this.pipeline.spansStarted;
    stats.spansEnded = this.pipeline.spansEnded;
    return stats;
  }
}
