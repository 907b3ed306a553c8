// The configuration is validated in TypeScript (js/config/) before the WASM core is built: every
// rule and message the Rust validator had (src/config/tests.rs and the browser tests of
// tests/web.rs until issue 13), plus the resource the core builds from it, decoded with the
// official opentelemetry-proto package.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, RecordWriter, TelemetryCore, resolveConfig, newAttributeList } from './load_core.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { editDistance } = await import(`${DIST}config/suggest.js`);
const { numberText } = await import(`${DIST}config/values.js`);
const { attributeValue } = await import(`${DIST}config/attributes.js`);
const { resourceAttributes, SDK_VERSION } = await import(`${DIST}config/resource.js`);
const { coreLimits } = await import(`${DIST}config/core_args.js`);
const { exportHeaders, exportUrl } = await import(`${DIST}export/greptime_contract.js`);
const { TRACES, METRICS, LOGS } = await import(`${DIST}export/signals.js`);

const withEndpoint = (extra = {}) => resolveConfig({ endpoint: 'http://localhost:4000', serviceName: 'web', ...extra });
const endpointOnly = (endpoint) => resolveConfig({ endpoint, serviceName: 'web' });

test('a minimal configuration gets the documented defaults and no warning', () => {
  const r = endpointOnly('http://localhost:4000');
  assert.deepEqual(r.warnings, []);
  const s = r.settings;
  assert.equal(s.endpoint, 'http://localhost:4000');
  assert.equal(s.database, 'public');
  assert.deepEqual(s.headers, []);
  assert.deepEqual(s.batch, { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 });
  assert.deepEqual(s.logBatch, { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 30000 });
  assert.deepEqual(s.metrics, { exportIntervalMillis: 15000, exportTimeoutMillis: 30000, temporality: 'cumulative', cardinalityLimit: 2000 });
  assert.deepEqual(s.spanLimits, {
    attributeCountLimit: 128,
    attributeValueLengthLimit: 8192,
    eventCountLimit: 128,
    linkCountLimit: 128,
    attributePerEventCountLimit: 128,
    attributePerLinkCountLimit: 128,
  });
  assert.deepEqual(s.retry, { maxAttempts: 6, initialBackoffMillis: 1000, maxBackoffMillis: 5000 });
  assert.deepEqual(s.offline, { enabled: true, maxBytes: 5 * 1024 * 1024, maxAgeMillis: 24 * 3600000 });
  assert.equal(s.compression, 1024);
  assert.equal(s.sampleRatio, 1);
  assert.deepEqual([s.instrumentFetch, s.instrumentXhr, s.captureErrors, s.selfMetrics], [false, false, false, false]);
  assert.deepEqual(s.captureConsole, []);
  assert.deepEqual(s.propagateTraceHeaderCorsUrls, []);
  assert.equal(s.logTable, 'opentelemetry_logs');
  assert.equal(s.traceTable, undefined);
  assert.deepEqual(Array.from(coreLimits(s)), [2048, 512, 2048, 512, 2000, 0]);
});

test('endpoint forms: trailing slashes and OTLP suffixes are stripped, everything else unusable is fatal', () => {
  assert.equal(endpointOnly('https://db.example:4000/').settings.endpoint, 'https://db.example:4000');
  assert.equal(endpointOnly('/greptime/').settings.endpoint, '/greptime');
  let r = endpointOnly('http://localhost:4000/v1/otlp');
  assert.equal(r.settings.endpoint, 'http://localhost:4000');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /base address/);
  r = endpointOnly('http://localhost:4000/v1/otlp/v1/traces');
  assert.equal(r.settings.endpoint, 'http://localhost:4000');
  for (const bad of ['localhost:4000', 'ftp://x', 'http://', 'http://:4000', '//cdn.example', 'http://a b', 'http://x?db=public', 'http://u:p@host']) {
    const r = endpointOnly(bad);
    assert.equal(r.settings, undefined, bad);
    assert.ok(r.error.startsWith(`\`endpoint\` "${bad}" `), `${bad}: ${r.error}`);
    assert.ok(r.error.endsWith(": use GreptimeDB's HTTP address such as `http://localhost:4000`, or a same-origin path such as `/greptime`"), r.error);
  }
  assert.match(endpointOnly('localhost:4000').error, /is not an http\(s\) URL/);
  assert.match(endpointOnly('http://u:p@host').error, /contains credentials \(use `username` and `password`\)/);
  assert.equal(endpointOnly('   ').error, "no `endpoint` configured: set it to GreptimeDB's HTTP address, e.g. `http://localhost:4000`");
});

test('fatal errors say what to do', () => {
  const missing = resolveConfig({ serviceName: 'web' });
  assert.ok(missing.error.includes('endpoint') && missing.error.includes('http://localhost:4000'), missing.error);
  assert.equal(resolveConfig({ endpoint: 4000 }).error, '`endpoint` must be a string such as `http://localhost:4000`, got number');
  assert.equal(resolveConfig('http://x').error, 'the configuration must be an object, got string');
  assert.equal(resolveConfig({ endpoint: 'http://x', enabled: false }).error, 'telemetry is disabled (`enabled: false`)');
  // A typo next to a fatal error: both are in the report (initTelemetry prints them together).
  const typo = resolveConfig({ endpont: 'http://x' });
  assert.equal(typo.settings, undefined);
  assert.ok(typo.warnings.some((w) => w.includes('did you mean `endpoint`')), typo.warnings.join('\n'));
});

test('unknown keys and wrong types are reported, not ignored', () => {
  const r = resolveConfig({
    endpoint: 'http://localhost:4000',
    serviceNmae: 'web',
    database: 3,
    batch: { maxQueueSize: '100', scheduleDelayMillis: 1 },
    spanLimits: { attributeCountLimit: -1 },
    headers: { 'x-team': 1, 'bad header': 'v' },
    resourceAttributes: { fn: () => 1, mixed: ['a', 1] },
  });
  const w = r.warnings.join('\n');
  for (const expected of [
    'unknown configuration key `serviceNmae` ignored (did you mean `serviceName`?)',
    '`database` must be a string, got number; ignored',
    '`batch.maxQueueSize` must be a number, got string; using 2048',
    'unknown configuration key `batch.scheduleDelayMillis` ignored (did you mean `batch.scheduledDelayMillis`?)',
    '`spanLimits.attributeCountLimit` must be a whole number from 0 to 16777216, got -1; using 128',
    'header `x-team` must be a string, got number; ignored',
    'header name "bad header" is not a valid HTTP header name; ignored',
    '`resourceAttributes.fn`: function is not an attribute value',
    '`resourceAttributes.mixed`: array is not an attribute value',
    '`serviceName` is not set',
  ]) {
    assert.ok(w.includes(expected), `missing warning ${JSON.stringify(expected)} in:\n${w}`);
  }
  const s = r.settings;
  assert.equal(s.database, 'public');
  assert.equal(s.batch.maxQueueSize, 2048);
  assert.deepEqual(s.headers, []);
  assert.deepEqual(s.resourceAttributes, []);
  assert.equal(s.serviceName, 'unknown_service:webjs');
});

test('hostile values (functions, cycles, throwing getters, symbols, bigints, Proxies) are reported by key, never thrown', () => {
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('x'); } });
  const config = {
    endpoint: 'http://localhost:4000',
    serviceName: () => 'svc',
    resourceAttributes: cyclic,
    headers: throwing,
    database: Symbol('db'),
    traceTable: 10n,
    batch: new Proxy({}, { ownKeys() { throw new Error('trap'); } }),
    metrics: Object.defineProperty({}, 'cardinalityLimit', { enumerable: true, get() { throw new Error('y'); } }),
  };
  const r = resolveConfig(config);
  assert.ok(r.settings, r.error);
  const w = r.warnings.join('\n');
  for (const expected of [
    '`serviceName` must be a string, got function',
    '`resourceAttributes.self`: object is not an attribute value',
    'header `boom` must be a string, got throwing getter',
    '`database` must be a string, got symbol',
    '`traceTable` must be a string, got bigint',
    '`metrics.cardinalityLimit` must be a number, got throwing getter; using 2000',
  ]) {
    assert.ok(w.includes(expected), `missing ${JSON.stringify(expected)} in\n${w}`);
  }
  assert.equal(r.settings.batch.maxQueueSize, 2048, 'an unreadable object reads as its defaults');
  assert.deepEqual(r.settings.resourceAttributes, [['a', 1]]);
  // A configuration that is itself a throwing Proxy.
  const hostile = resolveConfig(new Proxy({}, { ownKeys() { throw new Error('no'); } }));
  assert.equal(hostile.settings, undefined);
  assert.equal(hostile.error, 'the configuration must be an object, got object');
});

test('credentials become x-greptime-auth; an Authorization header is sent as x-greptime-auth', () => {
  assert.deepEqual(withEndpoint({ username: 'browser', password: 'pw' }).settings.headers, [['x-greptime-auth', 'Basic YnJvd3Nlcjpwdw==']]);
  const r = withEndpoint({ headers: { Authorization: 'Basic abc=', 'X-Team': 'a' } });
  assert.deepEqual(r.settings.headers, [['x-greptime-auth', 'Basic abc='], ['x-team', 'a']]);
  assert.match(r.warnings[0], /sent as `x-greptime-auth`/);
  const half = withEndpoint({ username: 'u' });
  assert.deepEqual(half.settings.headers, []);
  assert.match(half.warnings[0], /without `password`/);
  assert.match(withEndpoint({ password: 'p' }).warnings[0], /without `username`/);
  // Padded standard base64 of the UTF-8 bytes, as GreptimeDB's decoder requires.
  const auth = (u, p) => Object.fromEntries(withEndpoint({ username: u, password: p }).settings.headers)['x-greptime-auth'];
  assert.equal(auth('a', 'b'), 'Basic YTpi');
  assert.equal(auth('ab', 'c'), 'Basic YWI6Yw==');
  assert.equal(auth('user', 'pa:ss'), 'Basic dXNlcjpwYTpzcw==');
  assert.equal(auth('ü', 'p'), `Basic ${Buffer.from('ü:p').toString('base64')}`);
  assert.match(withEndpoint({ headers: { 'Content-Type': 'text/plain' } }).warnings[0], /header `Content-Type` is set by the exporter itself; ignored/);
});

test('a batch larger than its queue is clamped to it', () => {
  const r = withEndpoint({ batch: { maxQueueSize: 100, maxExportBatchSize: 500 } });
  assert.deepEqual([r.settings.batch.maxQueueSize, r.settings.batch.maxExportBatchSize], [100, 100]);
  assert.equal(r.warnings[0], '`batch.maxExportBatchSize` (500) is larger than `batch.maxQueueSize` (100); using 100');
});

test('a hyphenated or empty database is flagged', () => {
  const r = withEndpoint({ database: 'my-db' });
  assert.equal(r.settings.database, 'my-db');
  assert.match(r.warnings[0], /catalog "my", schema "db"/);
  const empty = withEndpoint({ database: '' });
  assert.equal(empty.settings.database, 'public');
  assert.equal(empty.warnings[0], '`database` is empty; using "public"');
});

test('resource attribute values: strings, booleans, finite numbers, arrays of one kind', () => {
  assert.equal(attributeValue(3), 3);
  assert.equal(attributeValue(3.5), 3.5);
  assert.equal(attributeValue(NaN), undefined);
  assert.equal(attributeValue(1e300), 1e300);
  assert.equal(attributeValue({}), undefined);
  assert.deepEqual(attributeValue([true, false]), [true, false]);
  assert.equal(attributeValue([1, 1.5]), undefined, 'ints and doubles do not mix');
  assert.equal(attributeValue(['a', 1]), undefined);
});

test('edit distance and numbers in messages', () => {
  assert.equal(editDistance('endpoint', 'endpiont'), 2);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(numberText(-1), '-1');
  assert.equal(numberText(2.5), '2.5');
  assert.equal(numberText(0.125), '0.125');
  // Rust rounded to 3 decimals ("4"), which read as a valid whole number in "must be a whole number, got 4".
  assert.equal(numberText(3.9999), '3.9999');
  assert.equal(numberText(NaN), 'NaN');
  assert.equal(numberText(-Infinity), '-Infinity');
  assert.equal(numberText(1e300), 'a very large number');
});

test('delivery and propagation settings', () => {
  const r = withEndpoint({
    retry: { maxAttempts: 3, maxBackoffMillis: 30000 },
    offline: false,
    compression: 'none',
    sampleRatio: 0.25,
    instrumentFetch: true,
    propagateTraceHeaderCorsUrls: ['https://api.example', /^https:\/\/cdn\./],
    captureConsole: ['warn', 'warn', 'error'],
  });
  assert.deepEqual(r.warnings, []);
  const s = r.settings;
  assert.deepEqual(s.retry, { maxAttempts: 3, initialBackoffMillis: 1000, maxBackoffMillis: 30000 });
  assert.equal(s.offline.enabled, false);
  assert.equal(s.compression, 0);
  assert.deepEqual([s.sampleRatio, s.instrumentFetch, s.instrumentXhr], [0.25, true, false]);
  assert.equal(s.propagateTraceHeaderCorsUrls.length, 2);
  assert.deepEqual(s.captureConsole, ['warn', 'error']);
  assert.deepEqual(withEndpoint({ captureConsole: true }).settings.captureConsole, ['info', 'warn', 'error']);
  assert.equal(withEndpoint({ compression: false }).settings.compression, 0);
  assert.equal(withEndpoint({ compression: 'gzip' }).settings.compression, 1024);
  assert.equal(withEndpoint({ metrics: { temporality: 'Delta' } }).settings.metrics.temporality, 'delta');

  const bad = withEndpoint({
    sampleRatio: 1.5,
    offline: { maxBytes: 'lots' },
    propagateTraceHeaderCorsUrls: [1],
    compression: { thresholdBytes: 10 },
    captureConsole: ['warn', 'loud'],
    metrics: { temporality: 'sometimes' },
  });
  const w = bad.warnings.join('\n');
  assert.ok(w.includes('`sampleRatio` must be a number from 0 to 1, got 1.5; using 1'), w);
  assert.ok(w.includes('`offline.maxBytes` must be a number, got string'), w);
  assert.ok(w.includes('`propagateTraceHeaderCorsUrls` entries must be strings or regular expressions, got number'), w);
  assert.ok(w.includes('`captureConsole` entries must be one of debug, log, info, warn, error; ignored "loud"'), w);
  assert.ok(w.includes('`metrics.temporality` must be "cumulative" or "delta", got "sometimes"; using cumulative'), w);
  assert.deepEqual([bad.settings.sampleRatio, bad.settings.compression], [1, 10]);
  assert.deepEqual(bad.settings.propagateTraceHeaderCorsUrls, []);
});

test('header settings fetch cannot send are rejected at configuration', () => {
  for (const [key, value] of [['database', '日本_db'], ['traceTable', 'traces\u2028'], ['logTable', 'logs\nx'], ['database', 'a\u0000b']]) {
    const r = withEndpoint({ [key]: value });
    assert.equal(r.settings, undefined, `${key}=${JSON.stringify(value)} should be rejected`);
    assert.ok(r.error.startsWith(`\`${key}\` "${value}" cannot be sent`), r.error);
  }
  assert.match(withEndpoint({ database: '日本_db' }).error, /Latin-1/);
  assert.ok(withEndpoint({ database: 'caf\u00e9' }).settings, 'Latin-1 is what fetch accepts');
  const r = withEndpoint({ headers: { 'x-team': 'チーム', 'x-ok': 'fine' } });
  assert.deepEqual(r.settings.headers, [['x-ok', 'fine']]);
  assert.ok(r.warnings.some((w) => w.includes('header `x-team` ignored') && w.includes('Latin-1')), r.warnings.join('\n'));
});

test("GreptimeDB's URLs and headers per signal", () => {
  const s = withEndpoint({ database: 'web_rum', username: 'browser', password: 'secret', traceTable: 'web_traces', logTable: 'web_logs' }).settings;
  assert.equal(exportUrl(s, TRACES), 'http://localhost:4000/v1/otlp/v1/traces');
  assert.equal(exportUrl(s, METRICS), 'http://localhost:4000/v1/otlp/v1/metrics');
  assert.equal(exportUrl(s, LOGS), 'http://localhost:4000/v1/otlp/v1/logs');
  assert.deepEqual(exportHeaders(s, TRACES), {
    'content-type': 'application/x-protobuf',
    'x-greptime-db-name': 'web_rum',
    'x-greptime-pipeline-name': 'greptime_trace_v1',
    'x-greptime-trace-table-name': 'web_traces',
    'x-greptime-auth': 'Basic YnJvd3NlcjpzZWNyZXQ=',
  });
  assert.equal(exportHeaders(s, LOGS)['x-greptime-log-table-name'], 'web_logs');
  assert.equal(exportHeaders(s, LOGS)['x-greptime-pipeline-name'], undefined);
  assert.deepEqual(Object.keys(exportHeaders(s, METRICS)), ['content-type', 'x-greptime-db-name', 'x-greptime-auth']);
  assert.equal(exportHeaders(withEndpoint().settings, LOGS)['x-greptime-log-table-name'], 'opentelemetry_logs');
});

/** The Resource of a trace request from a core built as initTelemetry builds it, decoded by opentelemetry-proto. */
function decodedResource(config, facts) {
  const { settings } = resolveConfig({ endpoint: '/greptime', ...config });
  const core = new TelemetryCore(coreLimits(settings), new RecordWriter().encodeAttributes(resourceAttributes(settings, facts)), Date.now());
  const writer = new RecordWriter();
  writer.writeSpan({
    t0: 1, t1: 2, t2: 3, t3: 4, s0: 5, s1: 6, p0: 0, p1: 0, traceFlags: 1, kind: 0,
    name: 'x', scopeName: 's', scopeVersion: '', traceState: '', startMs: 1.7e12, endMs: 1.7e12 + 1,
    statusCode: 0, statusMessage: '', attributes: newAttributeList(), events: undefined, droppedEvents: 0, links: undefined, droppedLinks: 0,
  });
  assert.equal(core.ingest(TRACES, writer.take()), 1);
  const body = core.takeRequest(TRACES, 0);
  core.free();
  const dir = mkdtempSync(join(tmpdir(), 'gwt-resource-'));
  writeFileSync(join(dir, 'body'), body);
  return JSON.parse(execFileSync(join(ROOT, '.venv/bin/python'), [join(ROOT, 'tests/js/decode_resource.py'), join(dir, 'body')], { encoding: 'utf8' }));
}

test('the resource carries the service, the SDK and the browser facts; the app overrides all but service.*', () => {
  const got = decodedResource(
    { serviceName: 'shop', serviceVersion: '1.2.3', resourceAttributes: { 'deployment.environment.name': 'staging', 'service.name': 'ignored', 'browser.language': 'fr' } },
    { userAgent: 'Mozilla/5.0 Test', language: 'en-GB', pageUrl: 'https://shop.example/cart?token=secret#x', instanceId: '2f1c0c7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f' },
  );
  assert.deepEqual(
    got.map(([k, v]) => [k, v.value]),
    [
      ['service.name', 'shop'],
      ['service.version', '1.2.3'],
      ['service.instance.id', '2f1c0c7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f'],
      ['telemetry.sdk.name', 'greptime-web-telemetry'],
      ['telemetry.sdk.language', 'webjs'],
      ['telemetry.sdk.version', SDK_VERSION],
      ['user_agent.original', 'Mozilla/5.0 Test'],
      ['page.url', 'https://shop.example/cart'],
      ['deployment.environment.name', 'staging'],
      ['browser.language', 'fr'],
    ],
  );
});

test('service.name comes first even unset; empty facts are left out; the app may set its own instance id; every value kind', () => {
  const none = decodedResource({}, { userAgent: '', language: '', pageUrl: '', instanceId: 'random' });
  assert.deepEqual(none[0], ['service.name', { type: 'string', value: 'unknown_service:webjs' }]);
  assert.ok(none.every(([k]) => k !== 'user_agent.original'));
  const own = decodedResource({ resourceAttributes: { 'service.instance.id': 'kiosk-7' } }, { userAgent: '', language: '', pageUrl: '', instanceId: 'random' });
  assert.deepEqual(own.filter(([k]) => k === 'service.instance.id').map(([, v]) => v.value), ['kiosk-7']);
  const kinds = decodedResource(
    { serviceName: 'shop', resourceAttributes: { int: -3, zero: 0, double: 2.5, no: false, empty: '', list: ['a', ''], none: [] } },
    { userAgent: '', language: '', pageUrl: '', instanceId: '' },
  );
  assert.deepEqual(kinds.slice(4), [
    ['int', { type: 'int', value: -3 }],
    ['zero', { type: 'int', value: 0 }],
    ['double', { type: 'double', value: 2.5 }],
    ['no', { type: 'bool', value: false }],
    ['empty', { type: 'string', value: '' }],
    ['list', { type: 'array', value: [{ type: 'string', value: 'a' }, { type: 'string', value: '' }] }],
    ['none', { type: 'array', value: [] }],
  ]);
});

test('telemetry.sdk.version is the package version', () => {
  const cargo = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"/m)[1];
  assert.equal(SDK_VERSION, cargo);
});
