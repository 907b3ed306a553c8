import React, { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';
import { telemetryReady } from './telemetry.js';
import './styles.css';

// initTelemetry never rejects: without a reachable configuration it resolves to a no-op handle.
telemetryReady.then((telemetry) => {
  window.__telemetry = telemetry; // for the end-to-end test, and for stats() in devtools
  createRoot(document.getElementById('root')).render(
    <StrictMode>
      <App telemetry={telemetry} />
    </StrictMode>,
  );
});
