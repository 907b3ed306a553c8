// Page load with OpenTelemetry JS and nothing else (bench/speed.mjs, scenario `load`): the same
// providers as the speed page, constructed at the entry's top level; a console message gives when
// they are, in ms since navigation started.
import { otelSetup } from './otel_setup.js';

otelSetup(new URLSearchParams(location.search).get('endpoint'));
console.debug(`__ready ${performance.now()}`);
