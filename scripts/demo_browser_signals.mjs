// The demo's summary of what the browser reported by itself (issue 14's signals): the page load
// (`documentLoad` span and its navigation-timing children), Web Vitals (`browser.web_vital`
// events), route changes (`browser.navigation` events or navigation spans) and sessions
// (`session.id`). Each kind is listed when it arrived and named as missing when not, so the demo
// runs the same before and after these signals are enabled.

const attr = (item, key) => item.attributes?.[key]?.value;
// GreptimeDB's log table has no event_name column: events also carry it as the event.name attribute.
const eventName = (log) => log.event_name || attr(log, 'event.name') || '';
const short = (id) => `${String(id).slice(0, 8)}…`;
const ms = (nanos) => Number(BigInt(nanos) / 1000n) / 1000;

export const isWebVital = (log) => eventName(log) === 'browser.web_vital' || attr(log, 'browser.web_vital.name') !== undefined;
export const isNavigation = (item) =>
  eventName(item) === 'browser.navigation' || attr(item, 'browser.navigation.type') !== undefined || /^navigation\b/i.test(item.name ?? '');
const isSessionEvent = (log) => /^session\.(start|end)$/.test(eventName(log));

/** True for the records this summary covers, so the plain log listing can leave them out. */
export function isBrowserEvent(log) {
  return isWebVital(log) || isNavigation(log) || isSessionEvent(log);
}

export function printBrowserSignals(spans, logs) {
  console.log('\n[demo] what the browser reported by itself (page load, Web Vitals, navigations, sessions):');
  const loads = spans.filter((s) => s.name === 'documentLoad');
  for (const load of loads) {
    const phases = spans.filter((s) => s.parent_span_id === load.span_id).map((s) => s.name);
    const events = (load.events ?? []).map((e) => e.name);
    const url = attr(load, 'url.full') ?? attr(load, 'http.url') ?? '';
    const parts = [...phases, ...events];
    console.log(`  page load   documentLoad ${ms(load.duration_nano).toFixed(1)} ms ${url}  trace ${short(load.trace_id)}${parts.length ? `\n              phases: ${parts.join(', ')}` : ''}`);
  }
  if (!loads.length) console.log('  page load   none arrived (no documentLoad span)');

  const vitals = logs.filter(isWebVital);
  const latest = new Map();
  for (const v of vitals) latest.set(attr(v, 'browser.web_vital.name') ?? '?', v);
  if (latest.size) {
    const line = [...latest]
      .map(([name, v]) => {
        const value = Number(attr(v, 'browser.web_vital.value'));
        const shown = name === 'cls' ? value.toFixed(3) : `${value.toFixed(1)} ms`;
        return `${name.toUpperCase()} ${shown} (${attr(v, 'browser.web_vital.rating') ?? 'unrated'})`;
      })
      .join(', ');
    console.log(`  web vitals  ${line}  [${vitals.length} browser.web_vital events]`);
  } else {
    console.log('  web vitals  none arrived (no browser.web_vital events)');
  }

  const navigations = [...logs.filter(isNavigation), ...spans.filter(isNavigation)];
  for (const n of navigations) {
    const type = attr(n, 'browser.navigation.type') ?? '';
    console.log(`  navigation  ${type} ${attr(n, 'url.full') ?? n.name ?? ''}${attr(n, 'browser.navigation.same_document') === true ? ' (same document)' : ''}`);
  }
  if (!navigations.length) console.log('  navigation  none arrived (no browser.navigation event or navigation span)');

  const sessions = new Set([...spans, ...logs].map((x) => attr(x, 'session.id')).filter(Boolean));
  const sessionEvents = logs.filter(isSessionEvent).map(eventName);
  if (sessions.size) {
    const tagged = [...spans, ...logs].filter((x) => attr(x, 'session.id')).length;
    console.log(`  sessions    ${[...sessions].map(short).join(', ')} on ${tagged} spans and log records${sessionEvents.length ? `; events: ${sessionEvents.join(', ')}` : ''}`);
  } else {
    console.log('  sessions    none arrived (no session.id on spans or log records)');
  }
}

/** The same kinds read back from a real GreptimeDB with SQL (the README's queries). */
export const BROWSER_SIGNAL_QUERIES = [
  ['page loads', `SELECT "timestamp", duration_nano / 1000000 AS ms, "span_attributes.url.full" AS url, trace_id FROM opentelemetry_traces WHERE span_name = 'documentLoad' ORDER BY "timestamp" DESC LIMIT 5`],
  [
    'web vitals',
    `SELECT "timestamp", json_get_string(log_attributes, '["browser.web_vital.name"]') AS vital, json_get_float(log_attributes, '["browser.web_vital.value"]') AS value, json_get_string(log_attributes, '["browser.web_vital.rating"]') AS rating FROM opentelemetry_logs WHERE json_get_string(log_attributes, '["browser.web_vital.name"]') IS NOT NULL ORDER BY "timestamp" DESC LIMIT 10`,
  ],
  [
    'navigations',
    `SELECT "timestamp", json_get_string(log_attributes, '["browser.navigation.type"]') AS type, json_get_string(log_attributes, '["url.full"]') AS url FROM opentelemetry_logs WHERE json_get_string(log_attributes, '["browser.navigation.type"]') IS NOT NULL ORDER BY "timestamp" DESC LIMIT 5`,
  ],
];
