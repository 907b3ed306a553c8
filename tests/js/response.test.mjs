// What GreptimeDB's answers mean (js/export/response.ts, moved from the .wasm in issue 13):
// the OTLP retry rules, its JSON and text error bodies, and the two protobuf answers read by
// hand, checked against the official decoders on random messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from './load_core.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { interpretResponse, partialSuccess } = await import(`${DIST}export/response.js`);
const text = (s) => new TextEncoder().encode(s);

/** A tiny protobuf writer for test bodies. */
class Proto {
  bytes = [];
  varint(v) {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.bytes.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.bytes.push(Number(n));
    return this;
  }
  key(field, wireType) {
    return this.varint((field << 3) | wireType);
  }
  uint(field, v) {
    return this.key(field, 0).varint(v);
  }
  len(field, bytes) {
    this.key(field, 2).varint(bytes.length);
    this.bytes.push(...bytes);
    return this;
  }
  get body() {
    return Uint8Array.from(this.bytes);
  }
}

test('2xx: accepted, with or without partial success', () => {
  assert.deepEqual(interpretResponse(200, new Uint8Array()), { verdict: 0, rejected: 0, message: '' });
  const partial = new Proto().len(1, [...new Proto().uint(1, 2).len(2, [...text('Accepted 1 spans, rejected 2 spans')]).body]).body;
  assert.deepEqual(interpretResponse(200, partial), { verdict: 0, rejected: 2, message: 'Accepted 1 spans, rejected 2 spans' });
  const negative = new Proto().len(1, [...new Proto().uint(1, -1).body]).body;
  assert.equal(interpretResponse(200, negative).rejected, 0, 'a negative count is no rejection');
});

test('errors are classified by the OTLP retry rules, with GreptimeDB\'s message', () => {
  assert.deepEqual(interpretResponse(401, text('{"code":7003,"error":"Not found http or grpc authorization header","execution_time_ms":0}')), {
    verdict: 2,
    rejected: 0,
    message: 'Not found http or grpc authorization header',
  });
  assert.equal(interpretResponse(400, text('{"error":"Pipeline is required for this API."}')).message, 'Pipeline is required for this API.');
  for (const status of [429, 502, 503, 504]) assert.equal(interpretResponse(status, text('busy')).verdict, 1, String(status));
  for (const status of [400, 401, 403, 404, 408, 413, 500]) assert.equal(interpretResponse(status, new Uint8Array()).verdict, 2, String(status));
  assert.deepEqual(interpretResponse(0, new Uint8Array()), { verdict: 1, rejected: 0, message: '(empty body)' });
  assert.equal(interpretResponse(503, text('  upstream\u0007 down \n')).message, 'upstream down');
  assert.equal(interpretResponse(500, text('x'.repeat(1000))).message.length, 300);
  assert.equal(interpretResponse(400, text('{"error": "a \\"b\\"\\nc \\u00e9"}')).message, 'a "b"\nc é');
});

test('a total trace rejection is a protobuf google.rpc.Status', () => {
  const body = new Proto().len(2, [...text('Accepted 0 spans, rejected 2 spans')]).body;
  assert.deepEqual(interpretResponse(400, body), { verdict: 2, rejected: 0, message: 'Accepted 0 spans, rejected 2 spans' });
});

test('random messages read as the official decoders read them', () => {
  let seed = 0x2545f491;
  const next = (n) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  // Fields 1 and 2 with their right wire types (both decoders refuse or skip a wrong one
  // differently: prost refuses, Python skips it as unknown, so ours follows prost and those are
  // left out here), unknown fields of every wire type, repeats, nesting, invalid UTF-8,
  // 64-bit varints, truncation.
  const message = (depth) => {
    const w = new Proto();
    for (let i = next(4); i > 0; i--) {
      const field = [1, 1, 2, 2, 3, 15][next(6)];
      const kind = next(5);
      if (field === 1 && depth > 0) w.uint(1, [0, 1, 300, -1n, 1n << 40n][next(5)]);
      else if (field === 1) w.len(1, [...message(depth + 1)]);
      else if (field === 2) w.len(2, [[], [...text('ok')], [...text('é')], [0xc3], [0xff, 0x61]][next(5)]);
      else if (kind === 0) w.uint(field, next(1 << 20));
      else if (kind === 1) w.key(field, 1).bytes.push(1, 2, 3, 4, 5, 6, 7, 8);
      else if (kind === 2) w.key(field, 5).bytes.push(1, 2, 3, 4);
      else w.len(field, depth < 2 ? [...message(depth + 1)] : [7]);
    }
    return w.body;
  };
  // Even bodies: responses (field 1 a message); odd: Status-like (field 1 an integer).
  const bodies = [];
  for (let i = 0; i < 4000; i++) {
    let body = message(i % 2);
    if (next(4) === 0) body = body.subarray(0, next(body.length + 1));
    bodies.push(body);
  }
  const official = JSON.parse(
    execFileSync(join(ROOT, '.venv/bin/python'), [join(ROOT, 'tests/js/decode_responses.py')], {
      input: JSON.stringify(bodies.map((b) => Buffer.from(b).toString('hex'))),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );
  let partials = 0;
  bodies.forEach((body, i) => {
    const [perSignal, status] = official[i];
    const ours = partialSuccess(body) ?? null;
    if (ours) partials++;
    for (const expected of perSignal) assert.deepEqual(ours, expected, `body ${Buffer.from(body).toString('hex')}`);
    // The Status message, where GreptimeDB's rejection puts it (a non-empty one is used).
    const message = interpretResponse(400, body).message;
    if (i % 2 === 1 && status) assert.equal(message, status, `body ${Buffer.from(body).toString('hex')}`);
  });
  assert.ok(partials > 200, `only ${partials} bodies carried partial success`);
});
