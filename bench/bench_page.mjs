// Builds a benchmark page the way an app would ship it: the packed tarball installed into
// build/<name>, bench/<page> bundled by esbuild (minified ESM with code splitting, so the WASM
// core lands in a lazily loaded chunk), and an index.html that loads it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, installPackedTarball } from '../tests/e2e/harness.mjs';

/**
 * Returns the folder to serve. Run after scripts/build-package.sh. `minify: false` keeps
 * function names for a profile (bench/profile_flush.mjs); `tarball` installs another build of the
 * package instead (BENCH_BASELINE in bench/speed.mjs).
 */
export async function buildBenchPage(name, page, { minify = true, tarball } = {}) {
  const work = join(ROOT, 'build', name);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'dist'), { recursive: true });
  writeFileSync(join(work, 'package.json'), '{"private":true}');
  if (tarball) execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: work, stdio: 'inherit' });
  else installPackedTarball(work);
  await build({
    entryPoints: [join(ROOT, 'bench', page)],
    outdir: join(work, 'dist'),
    entryNames: 'page',
    bundle: true,
    minify,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    nodePaths: [join(work, 'node_modules'), join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  writeFileSync(join(work, 'dist/index.html'), '<!doctype html><script type="module" src="./page.js"></script>');
  return join(work, 'dist');
}
