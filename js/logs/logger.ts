/** Loggers: turn `emit` calls into log records correlated with the active span. */

import type { LogRecord, Logger, Span } from '../api/types.js';
import { describe, type Diagnostics } from '../runtime/diagnostics.js';
import { toEpochMillis, nowMillis } from '../trace/clock.js';
import { activeSpan } from '../trace/context.js';
import { hexToWords } from '../trace/ids.js';
import type { ResolvedSpanLimits } from '../trace/limits.js';
import { RecordingSpan } from '../trace/span.js';
import { putAttribute } from '../trace/attributes.js';
import type { LogRecordData } from '../wire/record_writer.js';
import { logAttributes, toLogValue } from './log_values.js';
import { severityNumberOf, severityTextOf } from './severity.js';

export interface LoggerHost {
  readonly limits: ResolvedSpanLimits;
  readonly diag: Diagnostics;
  readonly recording: boolean;
  logsEmitted: number;
  onEmit(record: LogRecordData): void;
}

const NO_IDS = [0, 0, 0, 0, 0, 0];

export class LoggerImpl implements Logger {
  constructor(
    private readonly host: LoggerHost,
    private readonly scopeName: string,
    private readonly scopeVersion: string,
  ) {}

  emit(record: LogRecord): void {
    const host = this.host;
    if (!host.recording) return;
    try {
      if (typeof record !== 'object' || record === null) {
        host.diag.report('invalidArguments', () => `logger.emit needs a record object, got ${describe(record)}; ignored`);
        return;
      }
      const { limits, diag } = host;
      const severityNumber = severityNumberOf(record.severityNumber, record.severityText);
      const severityText = typeof record.severityText === 'string' ? record.severityText : severityTextOf(severityNumber);
      const [ids, traceFlags] = spanIds(record.span ?? activeSpan());
      const now = nowMillis();
      host.logsEmitted++;
      const eventName = typeof record.eventName === 'string' ? record.eventName : '';
      const attributes = logAttributes(record.attributes, limits.attributeCountLimit, limits.attributeValueLengthLimit, diag);
      // GreptimeDB's log table has no event_name column (it drops the OTLP field): the name is
      // also sent as the `event.name` attribute, queryable in `log_attributes`.
      if (eventName && attributes.keys.indexOf('event.name') < 0) {
        putAttribute(attributes, 'event.name', eventName, limits.attributeCountLimit, limits.attributeValueLengthLimit, diag);
      }
      host.onEmit({
        timeMs: record.timestamp === undefined ? now : toEpochMillis(record.timestamp),
        observedTimeMs: now,
        severityNumber,
        severityText,
        body: toLogValue(record.body, 0, limits.attributeValueLengthLimit, diag),
        attributes,
        ids,
        traceFlags,
        scopeName: this.scopeName,
        scopeVersion: this.scopeVersion,
        eventName,
      });
    } catch {
      // A hostile record (a Proxy, throwing getters): drop it rather than throw into the app.
      host.diag.report('invalidArguments', () => 'logger.emit: the record could not be read; ignored');
    }
  }
}

/** The trace and span id words (and trace flags) of the span a record belongs to. */
function spanIds(span: Span | undefined): [number[], number] {
  if (span instanceof RecordingSpan) return [[span.t0, span.t1, span.t2, span.t3, span.s0, span.s1], span.traceFlags];
  if (!span || typeof span.spanContext !== 'function') return [NO_IDS, 0];
  const ctx = span.spanContext();
  const trace = hexToWords(ctx?.traceId, 4);
  const spanWords = hexToWords(ctx?.spanId, 2);
  return trace && spanWords ? [[...trace, ...spanWords], ctx.traceFlags & 0xff] : [NO_IDS, 0];
}
