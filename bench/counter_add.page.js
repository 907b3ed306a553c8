// Benchmark page: the same counter.add workload on greptime-web-telemetry and on the official
// OpenTelemetry JS metrics SDK (sdk-metrics with a reader attached, so it really aggregates).
import { initTelemetry } from 'greptime-web-telemetry';
import { MeterProvider, MetricReader, AggregationTemporality } from '@opentelemetry/sdk-metrics';

class IdleReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async onForceFlush() {}
  async onShutdown() {}
}

const SETS = Array.from({ length: 10 }, (_, i) => ({ 'tool.name': `tool-${i}`, status: 'ok' }));

/** ns per add over `n` adds on 10 known attribute sets; `fresh`: a new attributes object per call. */
function timeAdds(counter, n, fresh) {
  const start = performance.now();
  if (fresh) {
    for (let i = 0; i < n; i++) counter.add(1, { 'tool.name': `tool-${i % 10}`, status: 'ok' });
  } else {
    for (let i = 0; i < n; i++) counter.add(1, SETS[i % 10]);
  }
  return ((performance.now() - start) * 1e6) / n;
}

window.runBenchmark = async (sdk, endpoint, n, fresh) => {
  let counter;
  if (sdk === 'ours') {
    const telemetry = await initTelemetry({ endpoint, serviceName: 'bench', metrics: { exportIntervalMillis: 3600000 }, rum: false });
    if (!telemetry.enabled) throw new Error('telemetry did not start');
    counter = telemetry.meter.createCounter('bench.calls');
  } else {
    const provider = new MeterProvider({ readers: [new IdleReader()] });
    counter = provider.getMeter('bench').createCounter('bench.calls');
  }
  timeAdds(counter, 20000, fresh); // warm-up: JIT, series registration
  return timeAdds(counter, n, fresh);
};
