// Classic JSX runtime (this example has no Vite config at all, to show the package needs none), hence React in scope.
import React, { useEffect, useRef, useState } from 'react';
import { backendUrl } from './telemetry.js';
import {
  TelemetryErrorBoundary,
  traceComponentRender,
  tracedUserAction,
  useComponentLifecycleTracking,
  useTelemetry,
  useTrackedCallback,
} from 'greptime-web-telemetry/react';

const TOOLS = ['search_docs', 'query_metrics', 'broken_tool'];

/** The agent (examples/agent-backend) runs the tool: POST /api/agent, JSON both ways. */
const askAgent = (tool) =>
  fetch(`${backendUrl}/api/agent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tool, input: 'greptime' }) });

/** Tells the agent a UI element came (+1) or went (-1): its `agent.ui.elements` up-down counter. */
const reportUiElement = (kind, change) => {
  if (!backendUrl) return;
  fetch(`${backendUrl}/api/ui-elements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind, change }) }).catch(() => {});
};

/**
 * The agent panel. A click is a traced user action; the tool call inside it is a tracked
 * callback (a child span, counted and timed by the SDK); its fetch is a client span below that
 * (instrumentFetch), and the agent's spans below that (its FastAPI span, `agent_execution`, the
 * tool's span). The app adds its own metrics (`agent.tool_calls`, `agent.tool_call.duration`)
 * and logs failures.
 */
function AgentPanel({ onLog }) {
  useComponentLifecycleTracking('AgentPanel');
  const telemetry = useTelemetry();
  const [running, setRunning] = useState(null);
  const app = useRef(null);
  app.current ??= {
    logger: telemetry.getLogger('agent-workbench', '0.1.0'),
    calls: telemetry.getMeter('agent-workbench', '0.1.0').createCounter('agent.tool_calls', { description: 'Agent tool calls', unit: '{call}' }),
    duration: telemetry
      .getMeter('agent-workbench', '0.1.0')
      .createHistogram('agent.tool_call.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [5, 10, 25, 50, 100, 250, 1000] } }),
  };

  const callTool = useTrackedCallback(
    'agent.tool_call',
    async (tool) => {
      const { logger, calls, duration } = app.current;
      const started = performance.now();
      let status = 'ok';
      try {
        // A client span with `traceparent` (instrumentFetch): the agent continues this trace.
        const data = await (backendUrl ? askAgent(tool) : fetch('/tool-result.json')).then((r) => r.json());
        if (tool === 'broken_tool' || data.status === 'error') {
          status = 'error';
          const error = new Error(data.error ?? 'tool failed: upstream timed out');
          // Still inside the tracked call (across its awaits): the log joins its trace.
          logger.emit({ severityText: 'ERROR', body: `tool ${tool} failed: ${error.message}`, attributes: { 'tool.name': tool } });
          throw error;
        }
        return data.results.length;
      } finally {
        calls.add(1, { 'tool.name': tool, status });
        duration.record(performance.now() - started, { 'tool.name': tool });
      }
    },
    [],
  );

  const run = (tool) =>
    tracedUserAction(`click run ${tool}`, async () => {
      setRunning(tool);
      try {
        onLog(`${tool}: ${await callTool(tool)} results`);
      } catch (error) {
        onLog(`${tool}: ${error.message}`);
      } finally {
        setRunning(null);
      }
    }, { 'ui.button': tool });

  return (
    <section>
      <h2>Agent</h2>
      {TOOLS.map((tool) => (
        <button key={tool} onClick={() => run(tool)} disabled={running !== null} data-tool={tool}>
          Run {tool}
        </button>
      ))}
      {running && <p>Running {running}…</p>}
    </section>
  );
}

/** A live UI element: its lifetime is a span, and `react.component.mounted` counts those mounted. */
function UiElement({ element, onRemove }) {
  useComponentLifecycleTracking('UiElement', { 'ui.element.kind': element.kind, 'ui.element.id': element.id });
  return (
    <li>
      {element.kind} #{element.id} <button onClick={() => onRemove(element)}>remove</button>
    </li>
  );
}

function UiElements() {
  const [elements, setElements] = useState([]);
  const nextId = useRef(1);
  const add = useTrackedCallback('ui.element upsert', (kind) => {
    setElements((list) => [...list, { id: nextId.current++, kind }]);
    reportUiElement(kind, 1);
  }, []);
  const remove = useTrackedCallback('ui.element remove', (element) => {
    setElements((list) => list.filter((e) => e.id !== element.id));
    reportUiElement(element.kind, -1);
  }, []);
  return (
    <section>
      <h2>UI elements</h2>
      <button onClick={() => add('card')} data-action="add-card">Add card</button>
      <button onClick={() => add('chart')}>Add chart</button>
      <ul>
        {elements.map((element) => (
          <UiElement key={element.id} element={element} onRemove={remove} />
        ))}
      </ul>
    </section>
  );
}

/** A deliberately slow component; `traceComponentRender` times every render into `react.render.duration`. */
const SlowChart = traceComponentRender(
  function SlowChart({ points }) {
    let sum = 0;
    for (let i = 0; i < points * 20000; i++) sum += Math.sqrt(i);
    return <p>Chart of {points} points (checksum {Math.round(sum) % 1000})</p>;
  },
  'SlowChart',
  { slowRenderThresholdMs: 1 },
);

function CrashingWidget() {
  throw new TypeError('widget state is corrupt');
}

function Stats() {
  const telemetry = useTelemetry();
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

export function App() {
  const telemetry = useTelemetry();
  const [log, setLog] = useState([]);
  const [points, setPoints] = useState(50);
  const [crash, setCrash] = useState(false);
  useEffect(() => {
    window.__telemetry = telemetry; // for the end-to-end test, and for stats() in devtools
  }, [telemetry]);
  return (
    <main>
      <h1>Agent workbench</h1>
      <AgentPanel onLog={(line) => setLog((l) => [line, ...l].slice(0, 5))} />
      <ul data-testid="log">
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ul>
      <UiElements />
      <section>
        <h2>Slow component</h2>
        <button onClick={() => setPoints((p) => p + 50)} data-action="rerender-chart">More points</button>
        <SlowChart points={points} />
      </section>
      <section>
        <h2>Error boundary</h2>
        <TelemetryErrorBoundary
          name="widget"
          fallback={(error, reset) => (
            <p>
              Widget failed: {error.message}{' '}
              <button
                onClick={() => {
                  setCrash(false);
                  reset();
                }}
              >
                retry
              </button>
            </p>
          )}
        >
          {crash ? <CrashingWidget /> : <button onClick={() => setCrash(true)} data-action="crash">Break the widget</button>}
        </TelemetryErrorBoundary>
      </section>
      <Stats />
      {telemetry.enabled ? null : <p role="alert">Telemetry is off: see the console for why.</p>}
      <p className="hint">
        Data goes to the endpoint in <code>?endpoint=</code> or <code>VITE_GREPTIME_ENDPOINT</code>; the demo's receiver prints it as it arrives.
      </p>
    </main>
  );
}
