// A server component: it renders the provider directly (the package's React entry is marked
// 'use client', so no wrapper component is needed).
import type { ReactNode } from 'react';
import { TelemetryErrorBoundary, TelemetryProvider } from 'greptime-web-telemetry/react';

export const metadata = { title: 'greptime-web-telemetry on Next.js' };

const telemetryConfig = {
  // NEXT_PUBLIC_* is inlined at build time: the browser needs GreptimeDB's HTTP address.
  endpoint: process.env.NEXT_PUBLIC_GREPTIME_ENDPOINT ?? 'http://localhost:4000',
  serviceName: 'nextjs-example-web',
  instrumentFetch: true, // fetch() calls become CLIENT spans; same-origin ones carry `traceparent`
  batch: { scheduledDelayMillis: 1000 },
  metrics: { exportIntervalMillis: 2000 },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TelemetryProvider config={telemetryConfig}>
          {/* A server component can pass an element as the fallback (a function cannot cross to the client). */}
          <TelemetryErrorBoundary name="app" fallback={<p>Something went wrong.</p>}>
            {children}
          </TelemetryErrorBoundary>
        </TelemetryProvider>
      </body>
    </html>
  );
}
