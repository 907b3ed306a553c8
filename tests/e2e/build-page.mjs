// Installs the packed tarball into tests/e2e/page (as a user's `npm install` would) and bundles
// the page with esbuild, with no plugin or special setting. Run after scripts/build-package.sh.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, installPackedTarball } from './harness.mjs';

const pageDir = join(ROOT, 'tests/e2e/page');
rmSync(join(pageDir, 'node_modules'), { recursive: true, force: true });
rmSync(join(pageDir, 'dist'), { recursive: true, force: true });
const tarball = installPackedTarball(pageDir);
await build({
  entryPoints: [join(pageDir, 'page.src.js')],
  outdir: join(pageDir, 'dist'),
  entryNames: 'page',
  bundle: true,
  format: 'esm',
  // As an app bundler would: the WASM core lands in a chunk loaded when initTelemetry runs.
  splitting: true,
  platform: 'browser',
  logLevel: 'warning',
});
execFileSync('cp', [join(pageDir, 'index.html'), join(pageDir, 'dist/index.html')]);
console.log(`[e2e] test page built from build/${tarball}`);
