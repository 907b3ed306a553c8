import Link from 'next/link';

export default function AboutPage() {
  return (
    <main>
      <h1>About</h1>
      <p>Client-side navigations here are spans (see src/instrumentation-client.ts).</p>
      <Link href="/">Home</Link>
    </main>
  );
}
