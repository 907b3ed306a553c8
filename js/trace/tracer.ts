/** Starts spans: resolves the parent (explicit, active, or none), draws ids, applies options. */

import type { Span, SpanContext, SpanOptions, Tracer } from '../api/types.js';
import { SpanKind, SpanStatusCode } from '../api/types.js';
import { describe, thrownMessage } from '../runtime/diagnostics.js';
import { cleanName } from './attributes.js';
import { epochAt, monotonicNow } from './clock.js';
import { activeSpan, holdPending, noteParent, withActiveSpan } from './context.js';
import { hexToWords, randomNonZeroWord, randomWord } from './ids.js';
import { NOOP_SPAN } from './noop.js';
import { NonRecordingSpan, RecordingSpan, cleanTraceState, timeOf, type SpanRuntime } from './span.js';

/** The tracer's view of the SDK: the span runtime plus whether it still records. */
export interface TracerHost extends SpanRuntime {
  readonly recording: boolean;
  spansStarted: number;
  /** Share of new traces recorded (0 to 1); children follow their parent's decision. */
  readonly sampleRatio: number;
}

export class TracerImpl implements Tracer {
  constructor(
    private readonly host: TracerHost,
    private readonly scopeName: string,
    private readonly scopeVersion: string,
  ) {}

  startSpan(name: string, options?: SpanOptions): Span {
    const host = this.host;
    if (!host.recording) return NOOP_SPAN;
    try {
      const limits = host.limits;
      const kind = options?.kind;
      const startTime = options?.startTime;
      const startMono = startTime === undefined ? monotonicNow() : NaN;
      const span = new RecordingSpan(
        host,
        cleanName(name, limits.attributeValueLengthLimit, host.diag, 'span'),
        kind === undefined ? SpanKind.INTERNAL : validKind(kind, host),
        startTime === undefined ? epochAt(startMono) : timeOf(startTime),
        this.scopeName,
        this.scopeVersion,
      );
      span.startMono = startMono;
      const parent = options?.root ? null : options?.parent === undefined ? activeSpan(host.diag) : options.parent;
      const started = setIds(span, parent, host) ? span : unsampled(span);
      noteParent(started, parent);
      if (started !== span) return started;
      host.spansStarted++;
      if (options) {
        if (options.attributes !== undefined) span.setAttributes(options.attributes);
        if (options.links !== undefined) span.addLinks(options.links);
      }
      return span;
    } catch {
      // Unreachable unless options is hostile (a Proxy that throws); never let that reach the app.
      return NOOP_SPAN;
    }
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan(name: string, optionsOrFn: unknown, maybeFn?: unknown): unknown {
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (span: Span) => unknown;
    if (typeof fn !== 'function') {
      this.host.diag.report('invalidArguments', () => `startActiveSpan needs a function to run, got ${describe(fn)}; nothing started`);
      return undefined;
    }
    const options = typeof optionsOrFn === 'function' ? undefined : (optionsOrFn as SpanOptions | undefined);
    const span = this.startSpan(name, options);
    // A pending parent for code after an await until the promise settles (context.ts); held
    // from the start so spans started in the synchronous part know they descend from it.
    const release = span === NOOP_SPAN ? noop : holdPending(span);
    return withActiveSpan(span, () => {
      let result: unknown;
      try {
        result = fn(span);
      } catch (error) {
        release();
        failAndEnd(span, error);
        throw error;
      }
      if (isThenable(result)) {
        // The app gets its own promise back (same identity, same outcome); the span ends when it settles.
        try {
          result.then(
            () => {
              release();
              endQuietly(span);
            },
            (error: unknown) => {
              release();
              failAndEnd(span, error);
            },
          );
        } catch {
          release();
          endQuietly(span);
        }
      } else {
        release();
        endQuietly(span);
      }
      return result;
    });
  }
}

function noop(): void {}

function validKind(kind: unknown, host: TracerHost): number {
  if (typeof kind === 'number' && kind >= SpanKind.INTERNAL && kind <= SpanKind.CONSUMER && Number.isInteger(kind)) return kind;
  host.diag.report('invalidArguments', () => `span kind ${describe(kind)} is not a SpanKind; using INTERNAL`);
  return SpanKind.INTERNAL;
}

/**
 * Sets the span's ids from its parent (or new ones) and returns whether it is sampled:
 * parent-based, and for a new trace by the trace id against `sampleRatio`, as OpenTelemetry's
 * `ParentBased(TraceIdRatioBased)` sampler does.
 */
function setIds(span: RecordingSpan, parent: Span | SpanContext | null | undefined, host: TracerHost): boolean {
  let hasParent = true;
  if (parent instanceof RecordingSpan || parent instanceof NonRecordingSpan) {
    span.t0 = parent.t0;
    span.t1 = parent.t1;
    span.t2 = parent.t2;
    span.t3 = parent.t3;
    span.p0 = parent.s0;
    span.p1 = parent.s1;
    span.traceFlags = parent.traceFlags;
    span.traceState = parent.traceState;
  } else if (parent) {
    const ctx = parentContext(parent);
    const trace = hexToWords(ctx?.traceId, 4);
    const spanWords = hexToWords(ctx?.spanId, 2);
    if (trace && spanWords) {
      [span.t0, span.t1, span.t2, span.t3] = trace;
      [span.p0, span.p1] = spanWords;
      span.traceFlags = typeof ctx?.traceFlags === 'number' ? ctx.traceFlags & 0xff : 1;
      span.traceState = cleanTraceState(ctx?.traceState, host.diag);
    } else {
      host.diag.report('invalidArguments', () => `span "${span.name}": parent has no valid trace and span id; starting a new trace`);
    }
  }
  if (span.t0 === 0 && span.t1 === 0 && span.t2 === 0 && span.t3 === 0) {
    hasParent = false;
    span.t0 = randomWord();
    span.t1 = randomWord();
    span.t2 = randomWord();
    span.t3 = randomNonZeroWord();
    const ratio = host.sampleRatio;
    // The trace id's last 32 bits are uniform: compare them with the ratio, so every service
    // that sees this trace id with the same ratio decides the same way.
    span.traceFlags = ratio >= 1 || span.t3 / 0x100000000 < ratio ? 1 : 0;
  }
  span.s0 = randomWord();
  span.s1 = randomNonZeroWord();
  return hasParent ? (span.traceFlags & 1) === 1 : span.traceFlags === 1;
}

/** The ids of a span that was not sampled, without its recording. */
function unsampled(span: RecordingSpan): NonRecordingSpan {
  const s = new NonRecordingSpan();
  [s.t0, s.t1, s.t2, s.t3, s.s0, s.s1, s.traceState] = [span.t0, span.t1, span.t2, span.t3, span.s0, span.s1, span.traceState];
  s.traceFlags = span.traceFlags & 0xfe;
  return s;
}

function parentContext(parent: Span | SpanContext): Partial<SpanContext> | undefined {
  try {
    const maybeSpan = parent as Partial<Span>;
    return typeof maybeSpan.spanContext === 'function' ? maybeSpan.spanContext() : (parent as SpanContext);
  } catch {
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
  } catch {
    // A Proxy whose `get` throws: the app's own value, returned as it is.
    return false;
  }
}

/** The app may have ended the span itself inside `fn`; that is fine, not a call after end. */
function endQuietly(span: Span): void {
  if (span.isRecording()) span.end();
}

function failAndEnd(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: thrownMessage(error) });
  span.end();
}
