// Page load as load_ours.page.js, with `import 'greptime-web-telemetry/eager'` first: the core in
// the page's own files, prepared as it loads (bench/speed.mjs, scenario `load`, "ours, /eager").
import 'greptime-web-telemetry/eager';
import { initTelemetry } from 'greptime-web-telemetry';
import { ourConfig } from './our_config.js';

console.debug(`__start ${performance.now()}`);

initTelemetry(ourConfig(new URLSearchParams(location.search).get('endpoint'))).then((t) => {
  console.debug(`__ready ${t.enabled ? performance.now() : -1}`);
});
