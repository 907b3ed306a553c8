// The e2e test page: imports the package installed from the packed tarball, exactly as an app
// would, and exposes it to the Playwright tests.
import * as gwt from 'greptime-web-telemetry';

window.__gwt = gwt;
document.getElementById('status').textContent = 'ready';
