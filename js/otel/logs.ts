/**
 * The API's `LoggerProvider` over our loggers. A record belongs to the span of its `context`
 * (default: the API's active context); its `exception` becomes OpenTelemetry's `exception.*`
 * attributes, as OpenTelemetry's SDK does.
 */

import { context as apiContext, trace, type LogRecord as ApiLogRecord, type Logger as ApiLogger, type LoggerProvider } from '@opentelemetry/api';
import type { LogAttributes, Logger, Telemetry } from '../api/types.js';
import { exceptionAttributes } from '../trace/span.js';
import { toOurSpan } from './spans.js';
import { warnOnce } from './warn.js';

class BridgedLogger implements ApiLogger {
  constructor(
    private readonly logger: Logger,
    private readonly telemetry: Telemetry,
  ) {}

  emit(record: ApiLogRecord): void {
    try {
      if (!record || typeof record !== 'object') {
        this.logger.emit(record as never); // ours warns and counts it
        return;
      }
      const span = toOurSpan(trace.getSpan(record.context ?? apiContext.active()));
      let attributes = record.attributes as LogAttributes | undefined;
      if (record.exception !== undefined) attributes = { ...exceptionAttributes(record.exception), ...attributes };
      this.logger.emit({
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: record.body,
        attributes,
        timestamp: record.timestamp,
        eventName: record.eventName,
        span,
      });
    } catch {
      warnOnce('emit', 'an @opentelemetry/api log record could not be read (a Proxy or a throwing getter?); dropped');
    }
  }

  enabled(): boolean {
    return this.telemetry.enabled;
  }
}

const loggers = new WeakMap<Logger, BridgedLogger>();

/** `getLogger(name, version)` of the telemetry, as the API's `LoggerProvider`. */
export function loggerProvider(telemetry: Telemetry): LoggerProvider {
  return {
    getLogger(name: string, version?: string): ApiLogger {
      const logger = telemetry.getLogger(name, version);
      let bridged = loggers.get(logger);
      if (!bridged) loggers.set(logger, (bridged = new BridgedLogger(logger, telemetry)));
      return bridged;
    },
  };
}
