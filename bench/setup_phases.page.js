// Where `initTelemetry`'s setup time goes, phase by phase, in a fresh page (bench/setup_phases.mjs).
import { TelemetrySdk } from '../build/pkg/dist/telemetry.js';
import { nowMillis } from '../build/pkg/dist/trace/clock.js';
import { transformBytes } from '../build/pkg/dist/runtime/streams.js';

window.runPhases = async (endpoint) => {
  const marks = [['start', performance.now()]];
  const mark = (name) => marks.push([name, performance.now()]);
  // The glue, the validator and the pipelines are one chunk (export/core_chunk.ts).
  const core = await import('../build/pkg/dist/export/core_chunk.js');
  const pipelines = core;
  mark('import glue + pipelines chunk');
  const inline = await import('../build/pkg/dist/wasm/inline_wasm.js');
  mark('import inline chunk');
  const packed = Uint8Array.fromBase64 ? Uint8Array.fromBase64(inline.WASM_DEFLATE_BASE64) : Uint8Array.from(atob(inline.WASM_DEFLATE_BASE64), (c) => c.charCodeAt(0));
  mark('base64 decode');
  const bytes = await transformBytes(packed, new DecompressionStream('deflate-raw')); // as runtime/wasm_loader.ts does
  mark('inflate');
  const module = await WebAssembly.compile(bytes);
  mark('WebAssembly.compile');
  await core.default({ module_or_path: module });
  mark('instantiate');
  const config = { endpoint, serviceName: 'ours-bench', batch: { maxQueueSize: 20000, maxExportBatchSize: 512, scheduledDelayMillis: 3600000 }, metrics: { exportIntervalMillis: 3600000 }, compression: 'none' };
  const facts = () => ({ userAgent: navigator.userAgent, language: navigator.language, pageUrl: location.href, instanceId: 'abc' });
  const built = pipelines.buildCore(config, core.TelemetryCore, facts, nowMillis());
  if (!built.core) throw new Error(built.error);
  mark('validation + core constructor');
  const sdk = new TelemetrySdk(built.core, built.settings, undefined, config, undefined, pipelines);
  mark('TelemetrySdk');
  await sdk.forceFlush();
  mark('first forceFlush');
  return marks.slice(1).map(([name, t], i) => [name, t - marks[i][1]]);
};
