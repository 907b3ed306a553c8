/**
 * Emits a browser-signal event: an OpenTelemetry log record with `eventName`, whose name is
 * also written as the `event.name` attribute. GreptimeDB's OTLP log table keeps no column for a
 * record's `event_name` (`build_otlp_logs_identity_schema` in `src/servers/src/otlp/logs.rs`
 * has none, and the row builder never reads it), so without the attribute the events could not
 * be told apart there: `json_get_string(log_attributes, 'event.name') = 'browser.web_vital'`.
 * `event.name` is the deprecated semantic-convention attribute the `EventName` field replaced;
 * it is kept here only for that reason.
 */

import type { LogAttributes, Logger, TimeInput } from '../api/types.js';
import { SeverityNumber } from '../runtime/initial_chunk.js';

export function emitEvent(logger: Logger, eventName: string, attributes: LogAttributes, timestamp?: TimeInput, severityNumber = SeverityNumber.INFO): void {
  logger.emit({ eventName, severityNumber, timestamp, attributes: { 'event.name': eventName, ...attributes } });
}
