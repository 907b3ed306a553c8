/** The metrics the React integration records, created once per telemetry handle. */

import type { Counter, Histogram, Telemetry, UpDownCounter } from '../api/types.js';
import { REACT_SCOPE } from './global.js';

export interface ReactInstruments {
  mounts: Counter;
  mounted: UpDownCounter;
  lifetime: Histogram;
  callbackCalls: Counter;
  callbackDuration: Histogram;
  renderDuration: Histogram;
}

const byTelemetry = new WeakMap<Telemetry, ReactInstruments>();

export function reactInstruments(telemetry: Telemetry): ReactInstruments {
  let instruments = byTelemetry.get(telemetry);
  if (!instruments) {
    const meter = telemetry.getMeter(REACT_SCOPE);
    instruments = {
      mounts: meter.createCounter('react.component.mounts', { description: 'Component mounts', unit: '{mount}' }),
      mounted: meter.createUpDownCounter('react.component.mounted', { description: 'Components mounted now', unit: '{component}' }),
      lifetime: meter.createHistogram('react.component.lifetime', {
        description: 'Time from mount to unmount',
        unit: 'ms',
        advice: { explicitBucketBoundaries: [100, 1000, 5000, 15000, 60000, 300000, 1800000] },
      }),
      callbackCalls: meter.createCounter('react.callback.calls', { description: 'Tracked callback calls', unit: '{call}' }),
      callbackDuration: meter.createHistogram('react.callback.duration', { description: 'Tracked callback duration', unit: 'ms' }),
      renderDuration: meter.createHistogram('react.render.duration', {
        description: 'Render to commit time',
        unit: 'ms',
        advice: { explicitBucketBoundaries: [1, 2, 4, 8, 16, 33, 50, 100, 250, 500, 1000] },
      }),
    };
    byTelemetry.set(telemetry, instruments);
  }
  return instruments;
}
