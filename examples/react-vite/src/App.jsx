// Classic JSX runtime (this example has no Vite config at all, to show the package needs none), hence React in scope.
import React, { useEffect, useRef, useState } from 'react';
import { SpanKind } from 'greptime-web-telemetry';

const TOOLS = ['search_docs', 'query_metrics', 'broken_tool'];

/**
 * The agent panel: each tool call is a span (its fetch a child span), counted in
 * `agent.tool_calls` and timed in `agent.tool_call.duration`; failures are also logged.
 */
function AgentPanel({ tracer, meter, logger, onLog }) {
  const [running, setRunning] = useState(null);
  const instruments = useRef(null);
  instruments.current ??= {
    calls: meter.createCounter('agent.tool_calls', { description: 'Agent tool calls', unit: '{call}' }),
    duration: meter.createHistogram('agent.tool_call.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [5, 10, 25, 50, 100, 250, 1000] } }),
  };

  async function callTool(tool) {
    setRunning(tool);
    const started = performance.now();
    let status = 'ok';
    try {
      const count = await tracer.startActiveSpan(`agent.tool_call ${tool}`, { attributes: { 'tool.name': tool } }, async (span) => {
        const fetchSpan = tracer.startSpan('GET /tool-result.json', {
          parent: span,
          kind: SpanKind.CLIENT,
          attributes: { 'http.request.method': 'GET', 'url.path': '/tool-result.json' },
        });
        const response = await fetch('/tool-result.json');
        fetchSpan.setAttribute('http.response.status_code', response.status);
        const data = await response.json();
        fetchSpan.end();
        if (tool === 'broken_tool') {
          const error = new Error('tool failed: upstream timed out');
          // After an `await` the span is no longer "active" (browsers have no async context), so
          // the log names its span explicitly to carry the trace id.
          logger.emit({ severityText: 'ERROR', body: `tool ${tool} failed: ${error.message}`, attributes: { 'tool.name': tool }, span });
          throw error;
        }
        span.setAttribute('tool.result_count', data.results.length);
        return data.results.length;
      });
      onLog(`${tool}: ${count} results`);
    } catch (error) {
      status = 'error';
      onLog(`${tool}: ${error.message}`);
    } finally {
      instruments.current.calls.add(1, { 'tool.name': tool, status });
      instruments.current.duration.record(performance.now() - started, { 'tool.name': tool });
      setRunning(null);
    }
  }

  return (
    <section>
      <h2>Agent</h2>
      {TOOLS.map((tool) => (
        <button key={tool} onClick={() => callTool(tool)} disabled={running !== null} data-tool={tool}>
          Run {tool}
        </button>
      ))}
      {running && <p>Running {running}…</p>}
    </section>
  );
}

/** A live UI element: its lifetime, mount to unmount, is one span; `ui.elements.live` counts those mounted. */
function UiElement({ tracer, live, element, onRemove }) {
  useEffect(() => {
    const span = tracer.startSpan('ui.element lifetime', { attributes: { 'ui.element.id': element.id, 'ui.element.kind': element.kind } });
    live.add(1, { 'ui.element.kind': element.kind });
    return () => {
      live.add(-1, { 'ui.element.kind': element.kind });
      span.end();
    };
  }, [tracer, live, element.id, element.kind]);
  return (
    <li>
      {element.kind} #{element.id} <button onClick={() => onRemove(element.id)}>remove</button>
    </li>
  );
}

function UiElements({ tracer, meter }) {
  const [elements, setElements] = useState([]);
  const nextId = useRef(1);
  const live = useRef(null);
  live.current ??= meter.createUpDownCounter('ui.elements.live', { description: 'UI elements mounted' });
  const add = (kind) => {
    const id = nextId.current++;
    tracer.startSpan('ui.element upsert', { attributes: { 'ui.element.id': id, 'ui.element.kind': kind } }).end();
    setElements((list) => [...list, { id, kind }]);
  };
  return (
    <section>
      <h2>UI elements</h2>
      <button onClick={() => add('card')} data-action="add-card">Add card</button>
      <button onClick={() => add('chart')}>Add chart</button>
      <ul>
        {elements.map((element) => (
          <UiElement key={element.id} tracer={tracer} live={live.current} element={element} onRemove={(id) => setElements((list) => list.filter((e) => e.id !== id))} />
        ))}
      </ul>
    </section>
  );
}

/** A deliberately slow render, timed as a span (issue #4 brings a <Profiler>-based hook for this). */
function SlowChart({ tracer, points }) {
  const start = performance.now();
  let sum = 0;
  for (let i = 0; i < points * 20000; i++) sum += Math.sqrt(i);
  const span = tracer.startSpan('render SlowChart', { startTime: start, attributes: { 'chart.points': points } });
  span.end();
  return <p>Chart of {points} points (checksum {Math.round(sum) % 1000})</p>;
}

function Stats({ telemetry }) {
  const [stats, setStats] = useState(telemetry.stats());
  useEffect(() => {
    const timer = setInterval(() => setStats(telemetry.stats()), 500);
    return () => clearInterval(timer);
  }, [telemetry]);
  return (
    <section>
      <h2>Telemetry</h2>
      <p data-testid="stats">
        {telemetry.enabled ? 'enabled' : 'disabled'} · spans started {stats.spansStarted}, exported {stats.spansExported}, failed {stats.spansFailedExport} · logs exported {stats.logsExported} · metric points exported {stats.metricPointsExported}
      </p>
      <button onClick={() => telemetry.forceFlush()}>Flush now</button>
    </section>
  );
}

export function App({ telemetry }) {
  const tracer = telemetry.getTracer('agent-workbench', '0.1.0');
  const meter = telemetry.getMeter('agent-workbench', '0.1.0');
  const logger = telemetry.getLogger('agent-workbench', '0.1.0');
  const [log, setLog] = useState([]);
  const [points, setPoints] = useState(50);
  return (
    <main>
      <h1>Agent workbench</h1>
      <AgentPanel tracer={tracer} meter={meter} logger={logger} onLog={(line) => setLog((l) => [line, ...l].slice(0, 5))} />
      <ul data-testid="log">
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <UiElements tracer={tracer} meter={meter} />
      <section>
        <h2>Slow component</h2>
        <button onClick={() => setPoints((p) => p + 50)} data-action="rerender-chart">More points</button>
        <SlowChart tracer={tracer} points={points} />
      </section>
      <Stats telemetry={telemetry} />
      {telemetry.enabled ? null : <p role="alert">Telemetry is off: see the console for why.</p>}
      <p className="hint">
        Spans go to the endpoint in <code>?endpoint=</code> or <code>VITE_GREPTIME_ENDPOINT</code>; the demo's receiver prints them as they arrive.
      </p>
    </main>
  );
}
