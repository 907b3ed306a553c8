// The demo's summary of the browser's own signals (scripts/demo_browser_signals.mjs), on records
// shaped as the receiver returns them: each kind is listed when present, named as missing when
// not, and browser events are told apart from plain logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBrowserEvent, printBrowserSignals } from '../../scripts/demo_browser_signals.mjs';

const s = (value) => ({ type: 'string', value });
const d = (value) => ({ type: 'double', value });

function captured(fn) {
  const lines = [];
  const original = console.log;
  console.log = (...args) => lines.push(args.join(' '));
  try {
    fn();
  } finally {
    console.log = original;
  }
  return lines.join('\n');
}

test('lists the page load, vitals, navigations and sessions that arrived', () => {
  const session = { 'session.id': s('0123456789abcdef0123456789abcdef') };
  const spans = [
    { name: 'documentLoad', span_id: 'a1', parent_span_id: '', trace_id: 'feedfacefeedface', duration_nano: '182300000', attributes: { 'url.full': s('http://127.0.0.1:5173/'), ...session }, events: [{ name: 'firstContentfulPaint' }] },
    { name: 'documentFetch', span_id: 'a2', parent_span_id: 'a1', trace_id: 'feedfacefeedface', duration_nano: '5000000', attributes: session },
    { name: 'click run search_docs', span_id: 'b1', parent_span_id: '', trace_id: 'beef', duration_nano: '1', attributes: {} },
  ];
  const logs = [
    { event_name: 'browser.web_vital', attributes: { 'browser.web_vital.name': s('lcp'), 'browser.web_vital.value': d(120.5), 'browser.web_vital.rating': s('good'), ...session } },
    { event_name: '', attributes: { 'browser.web_vital.name': s('cls'), 'browser.web_vital.value': d(0.12), 'browser.web_vital.rating': s('needs-improvement') } },
    { event_name: 'browser.navigation', attributes: { 'url.full': s('http://127.0.0.1:5173/results'), 'browser.navigation.type': s('push'), 'browser.navigation.same_document': { type: 'bool', value: true } } },
    { event_name: 'session.start', attributes: session },
    { event_name: '', body: s('tool ok'), attributes: {} },
  ];
  const out = captured(() => printBrowserSignals(spans, logs));
  assert.match(out, /page load {3}documentLoad 182\.3 ms http:\/\/127\.0\.0\.1:5173\/ {2}trace feedface…\n {14}phases: documentFetch, firstContentfulPaint/);
  assert.match(out, /web vitals {2}LCP 120\.5 ms \(good\), CLS 0\.120 \(needs-improvement\) {2}\[2 browser\.web_vital events\]/);
  assert.match(out, /navigation {2}push http:\/\/127\.0\.0\.1:5173\/results \(same document\)/);
  assert.match(out, /sessions {4}01234567… on 4 spans and log records; events: session\.start/);
  assert.doesNotMatch(out, /none arrived/);
  assert.deepEqual(logs.map(isBrowserEvent), [true, true, true, true, false]);
});

test('names each missing kind instead of failing', () => {
  const out = captured(() => printBrowserSignals([{ name: 'x', span_id: '1', parent_span_id: '', attributes: {} }], [{ event_name: '', attributes: {} }]));
  for (const kind of ['page load', 'web vitals', 'navigation', 'sessions']) assert.match(out, new RegExp(`${kind} +none arrived`));
});
