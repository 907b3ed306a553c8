// The settings added with the browser signals (`rum`, issue 14), GreptimeDB's trace model
// (`traceModel`) and `wasmUrl`, validated in TypeScript (js/config/rum.ts, trace_model.ts): the
// rules their first (Rust) validators had, carried over when configuration moved out of the core.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, resolveConfig, TelemetryCore } from './load_core.mjs';

const { exportHeaders } = await import(`${DIST}export/greptime_contract.js`);
const { TRACES, LOGS } = await import(`${DIST}export/signals.js`);

const withEndpoint = (extra = {}) => resolveConfig({ endpoint: 'http://localhost:4000', serviceName: 'web', ...extra });
const { buildCore } = await import(`${DIST}config/build_core.js`);
// The `rum` validator comes with the browser signals' chunk (rum/index.js), as initTelemetry loads it.
const { readRum } = await import(`${DIST}rum/index.js`);
const facts = () => ({ userAgent: 'UA', language: 'en', pageUrl: 'http://page/', instanceId: '' });
/** As initTelemetry builds the core with the browser signals loaded: `rum` checked, its warnings among the others. */
const withRum = (extra = {}) => buildCore({ endpoint: 'http://localhost:4000', serviceName: 'web', ...extra }, TelemetryCore, facts, Date.now(), readRum);
const traceHeader = (report, name) => exportHeaders(report.settings, TRACES)[name];

test('traceModel: v1 by default in GreptimeDB\'s default table (no table header)', () => {
  for (const r of [withEndpoint(), withEndpoint({ traceModel: 'v1' })]) {
    assert.deepEqual(r.warnings, []);
    assert.equal(traceHeader(r, 'x-greptime-pipeline-name'), 'greptime_trace_v1');
    assert.equal(traceHeader(r, 'x-greptime-trace-table-name'), undefined);
  }
});

test('traceModel v2: its pipeline, its own default table, or the configured one; logs carry no pipeline', () => {
  const r = withEndpoint({ traceModel: 'v2' });
  assert.deepEqual(r.warnings, []);
  assert.equal(traceHeader(r, 'x-greptime-pipeline-name'), 'greptime_trace_v2');
  assert.equal(traceHeader(r, 'x-greptime-trace-table-name'), 'opentelemetry_traces_v2');
  assert.equal(traceHeader(withEndpoint({ traceModel: 'v2', traceTable: 'web_spans' }), 'x-greptime-trace-table-name'), 'web_spans');
  assert.equal(exportHeaders(r.settings, LOGS)['x-greptime-pipeline-name'], undefined);
});

test('traceModel v2 into the v1 default table is flagged but sent as configured', () => {
  const r = withEndpoint({ traceModel: 'v2', traceTable: 'opentelemetry_traces' });
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /opentelemetry_traces.*v1/);
  assert.equal(traceHeader(r, 'x-greptime-trace-table-name'), 'opentelemetry_traces');
});

test('an unknown traceModel warns once and keeps v1', () => {
  for (const [value, shown] of [['v3', '"v3"'], [2, 'number'], ['V2', '"V2"']]) {
    const r = withEndpoint({ traceModel: value });
    assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
    assert.ok(r.warnings[0].includes('traceModel') && r.warnings[0].includes(shown) && r.warnings[0].includes("'v1'"), r.warnings[0]);
    assert.equal(traceHeader(r, 'x-greptime-pipeline-name'), 'greptime_trace_v1');
  }
});

test('wasmUrl is a known key (read before the core loads), not reported as unknown', () => {
  assert.deepEqual(withEndpoint({ wasmUrl: '/core.wasm' }).warnings, []);
});

test('rum: every signal on by default except resource timing; false turns all off', () => {
  const on = withRum().rum;
  assert.deepEqual(on, {
    session: true,
    documentLoad: true,
    resourceTiming: false,
    navigation: true,
    webVitals: true,
    longAnimationFrames: true,
    userActions: true,
    sessionInactivityMillis: 900000,
    sessionMaxDurationMillis: 14400000,
    sessionPerTab: false,
    sampleBySession: false,
    navigationIncludeQuery: false,
  });
  const off = withRum({ rum: false }).rum;
  for (const key of ['session', 'documentLoad', 'resourceTiming', 'navigation', 'webVitals', 'longAnimationFrames', 'userActions']) assert.equal(off[key], false, key);
});

test('rum: options per signal are read, with ranges and unknown keys reported (did you mean)', () => {
  const r = withRum({
    rum: {
      session: { inactivityTimeoutMillis: 60000, maxDurationMillis: 120000, storage: 'sessionStorage', sampleBySession: true },
      resourceTiming: true,
      navigation: { includeQuery: true },
      webVitals: { reportAllChanges: true },
      userActions: false,
    },
  });
  assert.deepEqual(r.warnings, []);
  const s = r.rum;
  assert.equal(s.sessionInactivityMillis, 60000);
  assert.equal(s.sessionMaxDurationMillis, 120000);
  assert.equal(s.sessionPerTab, true);
  assert.equal(s.sampleBySession, true);
  assert.equal(s.resourceTiming, true);
  assert.equal(s.navigationIncludeQuery, true);
  assert.equal(s.webVitals, true);
  assert.equal(s.userActions, false);

  const bad = withRum({
    rum: { sesion: true, session: { inactivityTimeoutMillis: 10, storage: 'cookie', sampleBySesion: true }, navigation: 'yes', documentLoad: { x: 1 } },
  });
  const text = bad.warnings.join('\n');
  assert.match(text, /unknown configuration key `rum\.sesion` ignored \(did you mean `rum\.session`\?\)/);
  assert.match(text, /`rum\.session\.inactivityTimeoutMillis` must be a whole number from 1000 to 604800000, got 10; using 900000/);
  assert.match(text, /`rum\.session\.storage` must be "localStorage" or "sessionStorage", got "cookie"; using localStorage/);
  assert.match(text, /unknown configuration key `rum\.session\.sampleBySesion` ignored \(did you mean `rum\.session\.sampleBySession`\?\)/);
  assert.match(text, /`rum\.navigation` must be a boolean or an object, got string; using the default \(on\)/);
  assert.match(text, /unknown configuration key `rum\.documentLoad\.x` ignored/);
  assert.equal(bad.warnings.length, 6, text);
  assert.equal(bad.rum.navigation, true);
  assert.equal(withRum({ rum: 'all' }).warnings.length, 1);
});

test('rum: the options of web vitals, long animation frames and user actions are checked too (typos, types)', () => {
  assert.deepEqual(withRum({ rum: { webVitals: { reportAllChanges: true, routePattern: () => '/x' }, userActions: { rageClicks: true, nameAttributes: ['data-x'] }, longAnimationFrames: { thresholdMillis: 100 } } }).warnings, []);
  const r = withRum({ rum: { userActions: { rageClick: true, rageClicks: 'yes' }, webVitals: { reportAllChange: true }, longAnimationFrames: { thresholdMillis: '100' } } });
  const text = r.warnings.join('\n');
  assert.match(text, /unknown configuration key `rum\.userActions\.rageClick` ignored \(did you mean `rum\.userActions\.rageClicks`\?\)/);
  assert.match(text, /`rum\.userActions\.rageClicks` must be a boolean, got string; using the default/);
  assert.match(text, /unknown configuration key `rum\.webVitals\.reportAllChange` ignored \(did you mean `rum\.webVitals\.reportAllChanges`\?\)/);
  assert.match(text, /`rum\.longAnimationFrames\.thresholdMillis` must be a number, got string; using the default/);
  assert.equal(r.warnings.length, 4, text);
  assert.equal(r.rum.userActions, true, 'still on, with its defaults');
});

test('rum without the browser signals\' chunk (off, or it failed to load): a known key, left unchecked, no settings', () => {
  const b = buildCore({ endpoint: 'http://localhost:4000', serviceName: 'web', rum: { sesion: true } }, TelemetryCore, facts, Date.now());
  assert.deepEqual(b.warnings, []);
  assert.equal(b.rum, undefined);
  assert.ok(b.core);
});

test('rum warnings join the configuration\'s other warnings, in one list', () => {
  const b = withRum({ serviceNmae: 'x', rum: { sesion: true } });
  assert.equal(b.warnings.length, 2, b.warnings.join('\n'));
  assert.match(b.warnings[0], /`serviceNmae` ignored/);
  assert.match(b.warnings[1], /`rum\.sesion` ignored \(did you mean `rum\.session`\?\)/);
});

test('did you mean: a key with its unit suffix left out is pointed to the full name', () => {
  const text = withRum({ batch: { scheduledDelay: 100 }, rum: { session: { inactivityTimeout: 1000 } } }).warnings.join('\n');
  assert.match(text, /`batch\.scheduledDelay` ignored \(did you mean `batch\.scheduledDelayMillis`\?\)/);
  assert.match(text, /`rum\.session\.inactivityTimeout` ignored \(did you mean `rum\.session\.inactivityTimeoutMillis`\?\)/);
});
