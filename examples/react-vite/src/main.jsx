import React, { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TelemetryProvider } from 'greptime-web-telemetry/react';
import { App } from './App.jsx';
import { telemetryConfig } from './telemetry.js';
import './styles.css';

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <TelemetryProvider config={telemetryConfig}>
      <App />
    </TelemetryProvider>
  </StrictMode>,
);
