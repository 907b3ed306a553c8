// The benchmark's fast sink: an OTLP/HTTP endpoint that costs the exporters' measurement almost
// nothing. It answers CORS as GreptimeDB does (`*`, no max-age, so browsers still preflight),
// reads each body, walks the protobuf only deep enough to count the items (no decoding of
// attributes, no rows), and answers 200 with an empty body at once, as GreptimeDB answers a
// success. Next to the GreptimeDB-like receiver (Python, flattening every row), whose work
// dominates a flush figure on both sides, this shows what the SDKs themselves cost.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const SIGNALS = { '/v1/otlp/v1/traces': 'traces', '/v1/otlp/v1/metrics': 'metrics', '/v1/otlp/v1/logs': 'logs' };
const CORS = { 'access-control-allow-origin': '*', vary: 'origin, access-control-request-method, access-control-request-headers' };
const PREFLIGHT = { ...CORS, 'access-control-allow-methods': 'GET,POST,PUT,DELETE,HEAD', 'access-control-allow-headers': '*', 'content-length': '0' };

/** Reads a varint at `pos`; returns [value, next position]. Lengths here stay far below 2^53. */
function varint(buf, pos) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
}

/**
 * Calls `fn(start, end)` for each length-delimited field `field` in buf[start, end); skips the
 * rest by wire type.
 */
function eachField(buf, start, end, field, fn) {
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = varint(buf, pos);
    const wire = key & 7;
    if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      if (key >>> 3 === field) fn(pos, pos + len);
      pos += len;
    } else if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`wire type ${wire} at ${pos}`);
  }
}

/**
 * Items in an Export{Trace,Metrics,Logs}ServiceRequest: all three nest the same way
 * (resource_* = 1 → scope_* = 2 → spans / metrics / log_records = 2).
 */
export function countItems(buf) {
  let n = 0;
  eachField(buf, 0, buf.length, 1, (rs, re) => eachField(buf, rs, re, 2, (ss, se) => eachField(buf, ss, se, 2, () => n++)));
  return n;
}

/** Starts the sink on a free loopback port; the interface is the receiver's, for what the benchmark uses. */
export async function startFastSink() {
  const counts = { traces: 0, metrics: 0, logs: 0 };
  const waiters = new Set();
  /** Per request since the last reset: [method, ms its headers arrived, ms it was answered] (bench/profile_flush.mjs). */
  let log = [];
  const server = createServer((req, res) => {
    const entry = [req.method, performance.now(), 0];
    log.push(entry);
    res.on('finish', () => (entry[2] = performance.now()));
    if (req.method === 'OPTIONS') return res.writeHead(200, PREFLIGHT).end();
    const signal = SIGNALS[new URL(req.url, 'http://x').pathname];
    if (req.method !== 'POST' || !signal) return res.writeHead(404, { ...CORS, 'content-length': '0' }).end();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        counts[signal] += countItems(body);
      } catch (error) {
        return res.writeHead(400, { ...CORS, 'content-type': 'text/plain' }).end(String(error));
      }
      res.writeHead(200, { ...CORS, 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
      for (const w of waiters) w();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    reset: async () => {
      counts.traces = counts.metrics = counts.logs = 0;
      log = [];
    },
    requestLog: () => log,
    /** Resolves with `{ count }` once `min` items of `signal` arrived, or after `timeoutMs` with what did. */
    waitFor: (signal, min, timeoutMs = 10000) =>
      new Promise((resolve) => {
        const check = () => {
          if (counts[signal] < min) return;
          done();
        };
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve({ count: counts[signal] });
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(check);
        check();
      }),
    stop: () => new Promise((r) => (server.close(r), server.closeAllConnections())),
  };
}
