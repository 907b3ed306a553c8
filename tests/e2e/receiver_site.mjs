// The fixture shared by test files that launch their own browsers per test (large_body,
// unload, core_trap): a receiver and the test page built from the packed tarball, started before the
// file's tests and stopped after them. Returns the object the tests read `receiver` and `site` from.
import { after, before } from 'node:test';
import { join } from 'node:path';
import { ROOT, serveStatic, startReceiver } from './harness.mjs';

export function useReceiverAndSite() {
  const env = {};
  before(async () => {
    env.receiver = await startReceiver();
    env.site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
  });
  after(async () => {
    await env.site?.close();
    await env.receiver?.stop();
  });
  return env;
}
