// Span times against the wall clock (js/trace/clock.ts): with a stale performance.timeOrigin and
// after a machine sleep (the wall clock moves on, the monotonic clock does not), timestamps stay
// within a second or two of Date.now(); durations come from the monotonic clock and never go
// negative; Date.now() is read at most about once a second, not per span.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// A long-lived tab whose time origin is an hour stale, set before the package loads.
const realTimeOrigin = performance.timeOrigin;
Object.defineProperty(performance, 'timeOrigin', { value: realTimeOrigin - 3_600_000, configurable: true });
const realPerfNow = performance.now.bind(performance);
const realDateNow = Date.now;
let monotonicShift = 0;
let wallShift = 0;
let dateReads = 0;
performance.now = () => realPerfNow() + monotonicShift;
Date.now = () => {
  dateReads++;
  return realDateNow() + wallShift;
};

const { DIST, Diagnostics } = await import('./load_core.mjs');
const { nowMillis, toEpochMillis } = await import(`${DIST}trace/clock.js`);
const { TracerImpl } = await import(`${DIST}trace/tracer.js`);
const { DEFAULT_SPAN_LIMITS } = await import(`${DIST}trace/limits.js`);

const ended = [];
const tracer = new TracerImpl({ limits: DEFAULT_SPAN_LIMITS, diag: new Diagnostics(), recording: true, spansStarted: 0, sampleRatio: 1, onEnd: (s) => ended.push(s) }, 't', '');
const near = (a, b, within = 2000) => Math.abs(a - b) < within;

test('a stale time origin does not move timestamps off the wall clock', () => {
  assert.ok(near(nowMillis(), Date.now()), `off by ${nowMillis() - Date.now()} ms`);
  const span = tracer.startSpan('fresh');
  span.end();
  assert.ok(near(span.startMs, Date.now()));
  // A performance.now() reading converts with the same anchor.
  assert.ok(near(toEpochMillis(performance.now()), Date.now()));
});

test('after a sleep, new times follow the wall clock within a second; a span across it keeps its monotonic duration', () => {
  const across = tracer.startSpan('across sleep');
  wallShift += 60_000; // the machine slept a minute: Date.now() jumped, performance.now() did not
  monotonicShift += 1_001; // a second of page life later (the drift check runs at most once a second)
  const after = tracer.startSpan('after sleep');
  after.end();
  across.end();
  assert.ok(near(after.startMs, Date.now()), `after sleep: off by ${after.startMs - Date.now()} ms`);
  const duration = across.endMs - across.startMs;
  assert.ok(near(duration, 1_001, 50), `duration ${duration} ms, monotonic 1001 ms`);
});

test('the wall clock set back: new times follow it; a span across it never gets a negative duration', () => {
  const across = tracer.startSpan('across clock change');
  wallShift -= 120_000;
  monotonicShift += 1_001;
  const after = tracer.startSpan('after change');
  after.end();
  across.end();
  assert.ok(near(after.startMs, Date.now()));
  assert.ok(across.endMs >= across.startMs && near(across.endMs - across.startMs, 1_001, 50));
});

test('the drift check is cheap: Date.now() is not read per span', () => {
  monotonicShift += 1_001;
  nowMillis();
  const before = dateReads;
  for (let i = 0; i < 1000; i++) tracer.startSpan('burst').end();
  assert.ok(dateReads - before <= 1, `${dateReads - before} Date.now() reads for 1000 spans`);
});
