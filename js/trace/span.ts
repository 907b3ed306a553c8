/**
 * A recording span: a plain JS object while it records, so `setAttribute` and friends never
 * cross into WASM. `end()` hands it to the pipeline, which writes it into the next record
 * chunk; after that nothing refers to this object and the GC frees it.
 */

import type { AttributeValue, Attributes, Link, Span, SpanContext, SpanStatus, TimeInput } from '../api/types.js';
import { SpanStatusCode } from '../api/types.js';
import { describe, type Diagnostics } from '../runtime/diagnostics.js';
import { newAttributeList, putAttribute, putAttributes, cleanName, type AttributeList } from './attributes.js';
import { monotonicNow, nowMillis, toEpochMillis } from './clock.js';
import { hexToWords, wordsToHex } from './ids.js';
import type { ResolvedSpanLimits } from './limits.js';
import type { EventRecord, LinkRecord, SpanRecord } from '../wire/record_writer.js';

/** What a span needs from the SDK around it. */
export interface SpanRuntime {
  limits: ResolvedSpanLimits;
  diag: Diagnostics;
  onEnd(span: RecordingSpan): void;
}

export class RecordingSpan implements Span, SpanRecord {
  t0 = 0;
  t1 = 0;
  t2 = 0;
  t3 = 0;
  s0 = 0;
  s1 = 0;
  p0 = 0;
  p1 = 0;
  traceFlags = 1;
  traceState = '';
  endMs = 0;
  statusCode = 0;
  statusMessage = '';
  attributes: AttributeList = newAttributeList();
  events: EventRecord[] | undefined = undefined;
  droppedEvents = 0;
  links: LinkRecord[] | undefined = undefined;
  droppedLinks = 0;
  /** `monotonicNow()` at the start when the start came from the clock (else NaN): later times are measured from it. */
  startMono = NaN;
  /** Characters of the events' and links' names and attribute strings: see `spanChars`. */
  extraChars = 0;
  #ended = false;
  private context: SpanContext | undefined;

  constructor(
    private readonly runtime: SpanRuntime,
    public name: string,
    public kind: number,
    public startMs: number,
    readonly scopeName: string,
    readonly scopeVersion: string,
  ) {}

  spanContext(): SpanContext {
    if (!this.context) {
      this.context = {
        traceId: wordsToHex(this.t0, this.t1, this.t2, this.t3),
        spanId: wordsToHex(this.s0, this.s1),
        traceFlags: this.traceFlags,
        traceState: this.traceState || undefined,
        isRemote: false,
      };
    }
    return this.context;
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.#checkOpen('setAttribute')) {
      const l = this.runtime.limits;
      try {
        putAttribute(this.attributes, key, value, l.attributeCountLimit, l.attributeValueLengthLimit, this.runtime.diag, true);
      } catch {
        this.#unreadable('setAttribute');
      }
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (this.#checkOpen('setAttributes')) {
      const l = this.runtime.limits;
      try {
        putAttributes(this.attributes, attributes, l.attributeCountLimit, l.attributeValueLengthLimit, this.runtime.diag, true);
      } catch {
        this.#unreadable('setAttributes');
      }
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    if (!this.#checkOpen('addEvent')) return this;
    const { limits, diag } = this.runtime;
    try {
      if ((this.events?.length ?? 0) >= limits.eventCountLimit) {
        this.droppedEvents++;
        diag.report('eventsOverLimit', () => `event ${describeName(name)} dropped: over the limit of ${limits.eventCountLimit} events (spanLimits)`);
        return this;
      }
      let attributes: unknown = attributesOrStartTime;
      if (isTimeInput(attributesOrStartTime)) {
        startTime = attributesOrStartTime;
        attributes = undefined;
      }
      const list = newAttributeList();
      putAttributes(list, attributes, limits.attributePerEventCountLimit, limits.attributeValueLengthLimit, diag);
      const eventName = cleanName(name, limits.attributeValueLengthLimit, diag, 'event');
      this.extraChars += eventName.length + list.chars;
      (this.events ??= []).push({ name: eventName, timeMs: this.#timeOf(startTime), attributes: list });
    } catch {
      this.#unreadable('addEvent');
    }
    return this;
  }

  addLink(link: Link): this {
    if (!this.#checkOpen('addLink')) return this;
    try {
      this.#putLink(link);
    } catch {
      this.#unreadable('addLink');
    }
    return this;
  }

  #putLink(link: Link): void {
    const { limits, diag } = this.runtime;
    const ctx = (link as Partial<Link> | undefined)?.context;
    const traceWords = hexToWords(ctx?.traceId, 4);
    const spanWords = hexToWords(ctx?.spanId, 2);
    if (!traceWords || !spanWords) {
      diag.report('invalidArguments', () => `link dropped: it needs a context with a valid traceId and spanId, got ${describe(ctx)}`);
      return;
    }
    if ((this.links?.length ?? 0) >= limits.linkCountLimit) {
      this.droppedLinks++;
      diag.report('linksOverLimit', () => `link dropped: over the limit of ${limits.linkCountLimit} links (spanLimits)`);
      return;
    }
    const list = newAttributeList();
    putAttributes(list, link.attributes, limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit, diag);
    const traceState = cleanTraceState(ctx?.traceState, diag);
    this.extraChars += traceState.length + list.chars;
    (this.links ??= []).push({ ids: [...traceWords, ...spanWords], traceState, attributes: list });
  }

  addLinks(links: Link[]): this {
    try {
      if (Array.isArray(links)) for (const link of links) this.addLink(link);
    } catch {
      this.#unreadable('addLinks');
    }
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.#checkOpen('setStatus')) return this;
    try {
      const code = (status as Partial<SpanStatus> | undefined)?.code;
      if (code !== SpanStatusCode.UNSET && code !== SpanStatusCode.OK && code !== SpanStatusCode.ERROR) {
        this.runtime.diag.report('invalidArguments', () => `setStatus ignored: code must be SpanStatusCode.UNSET, OK or ERROR, got ${describe(code)}`);
        return this;
      }
      // OpenTelemetry: OK is final, UNSET never overrides, and only ERROR carries a message.
      if (this.statusCode === SpanStatusCode.OK || code === SpanStatusCode.UNSET) return this;
      const message = status.message;
      this.statusCode = code;
      this.statusMessage =
        code === SpanStatusCode.ERROR && typeof message === 'string'
          ? message.slice(0, this.runtime.limits.attributeValueLengthLimit)
          : '';
    } catch {
      this.#unreadable('setStatus');
    }
    return this;
  }

  updateName(name: string): this {
    if (this.#checkOpen('updateName')) {
      this.name = cleanName(name, this.runtime.limits.attributeValueLengthLimit, this.runtime.diag, 'span');
    }
    return this;
  }

  recordException(exception: unknown, time?: TimeInput): void {
    if (!this.#checkOpen('recordException')) return;
    this.addEvent('exception', exceptionAttributes(exception), time);
  }

  end(endTime?: TimeInput): void {
    if (!this.#checkOpen('end')) return;
    this.#ended = true;
    const end = this.#timeOf(endTime);
    this.endMs = end < this.startMs ? this.startMs : end;
    try {
      this.runtime.onEnd(this);
    } catch {
      // The pipeline counts what it could not take; the app's end() call must not see it.
    }
  }

  /** A time given, or now as the start plus the monotonic time since (clock.ts: never a jump). */
  #timeOf(time: TimeInput | undefined): number {
    return time === undefined && this.startMono === this.startMono ? this.startMs + (monotonicNow() - this.startMono) : timeOf(time);
  }

  /** Ends the span unless it already ended: for spans the SDK ends on the app's behalf. */
  endIfRecording(): void {
    if (!this.#ended) this.end();
  }

  /** A Proxy, a throwing getter or similar: the call is ignored, counted and warned about once. */
  #unreadable(method: string): void {
    this.runtime.diag.report('invalidArguments', () => `span "${this.name}": ${method}() ignored: its argument could not be read (a Proxy or a throwing getter?)`);
  }

  #checkOpen(method: string): boolean {
    if (!this.#ended) return true;
    this.runtime.diag.report('callsAfterEnd', () => `span "${this.name}": ${method}() after end() ignored`);
    return false;
  }
}

/** Approximate size of an ended span in characters, for the pipeline's bound on what waits in JS. */
export function spanChars(span: RecordingSpan): number {
  return span.name.length + span.statusMessage.length + span.attributes.chars + span.extraChars;
}

/** `toEpochMillis`, but a time input that throws when read (a Date with a hostile `getTime`) is now. */
export function timeOf(time: unknown): number {
  try {
    return toEpochMillis(time as TimeInput | undefined);
  } catch {
    return nowMillis();
  }
}

/** A name for a warning, without calling user code. */
function describeName(name: unknown): string {
  return typeof name === 'string' ? `"${name.slice(0, 64)}"` : describe(name);
}

/**
 * W3C Trace Context caps `tracestate` at 32 members, 512 characters in practice: a longer one
 * is dropped (warned once) rather than carried into every child and record.
 */
export const MAX_TRACE_STATE_LENGTH = 512;

export function cleanTraceState(value: unknown, diag: Diagnostics): string {
  if (typeof value !== 'string') return '';
  if (value.length <= MAX_TRACE_STATE_LENGTH) return value;
  diag.report('invalidArguments', () => `traceState of ${value.length} characters dropped (W3C Trace Context allows ${MAX_TRACE_STATE_LENGTH})`);
  return '';
}

function isTimeInput(v: unknown): v is TimeInput {
  return typeof v === 'number' || v instanceof Date || (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number');
}

/** OpenTelemetry's exception attributes from whatever was thrown; never throws itself. */
export function exceptionAttributes(exception: unknown): Attributes {
  const attributes: Attributes = {};
  try {
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception !== null && typeof exception === 'object') {
      const e = exception as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; constructor?: { name?: unknown } };
      const ctorName = typeof e.constructor?.name === 'string' && e.constructor.name !== 'Object' ? e.constructor.name : undefined;
      const type = typeof e.name === 'string' && e.name ? e.name : ctorName;
      if (type) attributes['exception.type'] = type;
      else if (typeof e.code === 'string' || typeof e.code === 'number') attributes['exception.type'] = String(e.code);
      if (typeof e.message === 'string') attributes['exception.message'] = e.message;
      if (typeof e.stack === 'string') attributes['exception.stacktrace'] = e.stack;
    } else {
      attributes['exception.message'] = describe(exception);
    }
  } catch {
    // A Proxy or throwing getter: keep whatever was read.
  }
  if (!attributes['exception.type'] && !attributes['exception.message']) attributes['exception.message'] = describe(exception);
  return attributes;
}

/**
 * A span that is not sampled: it records nothing, but carries its ids and trace flags (not
 * sampled) so that children follow their parent's decision and `traceparent` headers still
 * propagate the trace with the sampled flag off.
 */
export class NonRecordingSpan implements Span {
  t0 = 0;
  t1 = 0;
  t2 = 0;
  t3 = 0;
  s0 = 0;
  s1 = 0;
  traceFlags = 0;
  traceState = '';

  spanContext(): SpanContext {
    return {
      traceId: wordsToHex(this.t0, this.t1, this.t2, this.t3),
      spanId: wordsToHex(this.s0, this.s1),
      traceFlags: this.traceFlags,
      traceState: this.traceState || undefined,
      isRemote: false,
    };
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return false;
  }
  recordException(): void {}
}
