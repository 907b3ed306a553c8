/**
 * Structured log values as the record writer (record_writer.ts) takes them. Apart from the
 * writer, which loads with the pipelines: a log record is made into these when it is emitted,
 * before the core may have loaded.
 */

/** Must equal MAX_VALUE_DEPTH in crates/ingest/src/record_reader.rs. */
export const MAX_VALUE_DEPTH = 4;

/** A map value (log bodies and log attributes may be structured): entries in order. */
export class KeyValueList {
  constructor(readonly entries: [string, unknown][]) {}
}
