'use client';

import { useState } from 'react';
import Link from 'next/link';
import { tracedUserAction, useComponentLifecycleTracking, useTrackedCallback } from 'greptime-web-telemetry/react';

interface Greeting {
  message: string;
  traceparent: string | null;
}

export default function HomePage() {
  useComponentLifecycleTracking('HomePage'); // a span from mount to unmount (navigating away ends it)
  const [greeting, setGreeting] = useState<Greeting | null>(null);
  // A span per call; the fetch inside is its child and sends `traceparent` to our API route.
  const loadGreeting = useTrackedCallback(
    'load greeting',
    async (name: string): Promise<Greeting> => {
      const res = await fetch(`/api/greeting?name=${encodeURIComponent(name)}`);
      return (await res.json()) as Greeting;
    },
    [],
  );
  return (
    <main>
      <h1>Next.js telemetry example</h1>
      <button onClick={() => tracedUserAction('click greet', async () => setGreeting(await loadGreeting('browser')))}>Greet</button>
      {greeting && (
        <p id="greeting" data-traceparent={greeting.traceparent ?? ''}>
          {greeting.message}
        </p>
      )}
      <Link href="/about">About</Link>
    </main>
  );
}
