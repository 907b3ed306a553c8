// Page load with OpenTelemetry JS and nothing else (bench/speed.mjs, scenario `load`): the same
// providers as the speed page, constructed at the entry's top level. Console messages give when
// the app's code starts running (its imports loaded) and when the providers are constructed, in
// ms since navigation started.
import { otelSetup } from './otel_setup.js';

console.debug(`__start ${performance.now()}`);
otelSetup(new URLSearchParams(location.search).get('endpoint'));
console.debug(`__ready ${performance.now()}`);
