// Page load with greptime-web-telemetry and nothing else (bench/speed.mjs, scenario `load`):
// the app's entry starts telemetry at its top level, as the README shows. Console messages give
// when the app's code starts running (its imports loaded: spans can be recorded from here) and
// when the core can export, in ms since navigation started (its lazily loaded chunks fetched).
import { initTelemetry } from 'greptime-web-telemetry';
import { ourConfig } from './our_config.js';

console.debug(`__start ${performance.now()}`);

initTelemetry(ourConfig(new URLSearchParams(location.search).get('endpoint'))).then((t) => {
  console.debug(`__ready ${t.enabled ? performance.now() : -1}`);
});
