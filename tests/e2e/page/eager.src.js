// The page of eager.e2e.test.mjs: the packed package with `greptime-web-telemetry/eager`
// imported first, as its README section shows, bundled by esbuild with code splitting.
import 'greptime-web-telemetry/eager';
import { initTelemetry } from 'greptime-web-telemetry';

window.__gwt = { initTelemetry };
