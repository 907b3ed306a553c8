/**
 * Ended spans → record chunk (JS) → WASM core queue → encoded batches → transport.
 *
 * Ended spans are written into a JS-owned record chunk; the chunk crosses into WASM when it
 * holds a full batch, grows past CHUNK_BYTES, or an export starts. Exports run one at a time.
 * As in OpenTelemetry's BatchSpanProcessor, a full batch is sent at once, and whatever is left
 * waits for the scheduled delay; the schedule, `forceFlush()` and the page being hidden (then
 * with `keepalive`, so requests survive unload) send everything.
 * Any error thrown by the WASM core (a bug or a trap) switches telemetry off for the page with
 * one warning: it never reaches the app.
 */

import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';
import { warn, type Diagnostics } from '../runtime/diagnostics.js';
import type { ResolvedSpanLimits } from '../trace/limits.js';
import type { RecordingSpan } from '../trace/span.js';
import type { TracerHost } from '../trace/tracer.js';
import { RecordWriter } from '../wire/record_writer.js';
import type { Transport } from './fetch_transport.js';

/** Hand a chunk over before it grows past this, whatever the span count. */
const CHUNK_BYTES = 256 * 1024;

export class TracePipeline implements TracerHost {
  spansStarted = 0;
  spansEnded = 0;
  private readonly writer = new RecordWriter();
  private pendingSpans = 0;
  private readonly maxExportBatchSize: number;
  private readonly scheduledDelayMillis: number;
  private readonly exportTimeoutMillis: number;
  private readonly url: string;
  private readonly headers: Record<string, string> = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private draining: Promise<void> | undefined;
  private pageHidden = false;
  private closed = false;
  private broken = false;
  private readonly removeListeners: () => void;

  constructor(
    private readonly core: TelemetryCore,
    private readonly transport: Transport,
    readonly limits: ResolvedSpanLimits,
    readonly diag: Diagnostics,
  ) {
    const [, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis] = core.batchSettings();
    this.maxExportBatchSize = maxExportBatchSize;
    this.scheduledDelayMillis = scheduledDelayMillis;
    this.exportTimeoutMillis = exportTimeoutMillis;
    this.url = core.traceExportUrl();
    const pairs = core.traceExportHeaders();
    for (let i = 0; i + 1 < pairs.length; i += 2) this.headers[pairs[i]] = pairs[i + 1];
    this.removeListeners = this.listenForPageHide();
  }

  get recording(): boolean {
    return !this.closed && !this.broken;
  }

  onEnd(span: RecordingSpan): void {
    this.spansEnded++;
    if (!this.recording) return;
    this.writer.writeSpan(span);
    this.pendingSpans++;
    if (this.pendingSpans >= this.maxExportBatchSize || this.writer.length >= CHUNK_BYTES) {
      this.handOver();
    } else {
      this.schedule();
    }
  }

  /** Exports everything ended so far; resolves when every request has been answered. */
  async forceFlush(): Promise<void> {
    if (this.broken) return;
    await this.drain(true);
    // An export that was already running may have been one that sends only full batches, or
    // finished before these spans were handed over: go again while anything is left.
    while (this.recording && (this.pendingSpans > 0 || this.guard(() => this.core.queuedSpans() > 0, false))) {
      await this.drain(true);
    }
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush();
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.removeListeners();
  }

  /** Queue counters from the core, for `telemetry.stats()`. */
  coreStats(): Record<string, number> {
    return this.guard(() => this.core.stats() as Record<string, number>, {});
  }

  private handOver(): void {
    if (this.pendingSpans === 0) return;
    const chunk = this.writer.take();
    this.pendingSpans = 0;
    const queued = this.guard(() => this.core.ingestSpans(chunk), 0);
    // -1: the core could not decode the chunk (counted there) and forgot its interned strings.
    if (queued < 0) this.writer.resetStrings();
    else if (queued >= this.maxExportBatchSize) void this.drain(false);
    else if (queued > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.draining || !this.recording) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain(true);
    }, this.scheduledDelayMillis);
  }

  /**
   * Starts exporting unless an export is running, and resolves when it ends. `everything`:
   * send all that waits; otherwise only full batches (the rest waits for the schedule).
   */
  private drain(everything: boolean): Promise<void> {
    if (!this.draining) {
      if (everything && this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.draining = this.exportBatches(everything).finally(() => {
        this.draining = undefined;
        if (this.pendingSpans > 0 || this.guard(() => this.core.queuedSpans() > 0, false)) this.schedule();
      });
    }
    return this.draining;
  }

  private async exportBatches(everything: boolean): Promise<void> {
    for (;;) {
      if (everything) this.handOver();
      else if (this.guard(() => this.core.queuedSpans(), 0) < this.maxExportBatchSize) return;
      const body = this.guard(() => this.core.takeTraceRequest(), undefined);
      if (!body) return;
      const spans = this.guard(() => this.core.lastBatchSpans(), 0);
      const response = await this.transport(this.url, this.headers, body, this.exportTimeoutMillis, this.pageHidden);
      this.guard(() => this.core.recordTraceResponse(spans, response.status, response.body), 0);
    }
  }

  /** Calls into the core; a throw means the core is unusable, so telemetry stops for this page. */
  private guard<T>(call: () => T, fallback: T): T {
    if (this.broken) return fallback;
    try {
      return call();
    } catch (error) {
      this.broken = true;
      warn(`telemetry stopped after an internal error in the WASM core: ${String(error)}`);
      return fallback;
    }
  }

  /**
   * Flushes when the page is hidden or unloaded; the last chance to send. As OpenTelemetry JS
   * does, `visibilitychange` (hidden) and `pagehide` (Safari's reliable signal), never `unload`,
   * which would disable the back/forward cache.
   */
  private listenForPageHide(): () => void {
    if (typeof document === 'undefined' || typeof addEventListener !== 'function') return () => {};
    const onVisibility = () => {
      this.pageHidden = document.visibilityState === 'hidden';
      if (this.pageHidden) void this.forceFlush();
    };
    const onPageHide = () => {
      this.pageHidden = true;
      void this.forceFlush();
    };
    document.addEventListener('visibilitychange', onVisibility);
    addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
    };
  }
}
