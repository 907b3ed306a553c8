// Builds a benchmark page the way an app would ship it: the packed tarball installed into
// build/<name>, bench/<page> bundled by esbuild (minified ESM with code splitting, so the WASM
// core lands in a lazily loaded chunk) or by Vite, and an index.html that loads it.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, installPackedTarball } from '../tests/e2e/harness.mjs';

/**
 * Returns the folder to serve. Run after scripts/build-package.sh. `minify: false` keeps
 * function names for a profile (bench/profile_flush.mjs); `tarball` installs another build of the
 * package instead (BENCH_BASELINE in bench/speed.mjs). `vite: true` builds with Vite (Rollup)
 * instead, as most React apps ship: its lazily loaded chunks import what they share with the
 * entry from the entry's own file, where esbuild puts that code into a chunk of its own, which
 * the page must fetch before its entry runs (one more request on the way to the first line).
 */
export async function buildBenchPage(name, page, { minify = true, tarball, vite = false } = {}) {
  const work = join(ROOT, 'build', name);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'dist'), { recursive: true });
  writeFileSync(join(work, 'package.json'), '{"private":true}');
  if (tarball) execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: work, stdio: 'inherit' });
  else installPackedTarball(work);
  if (vite) return buildWithVite(work, page, minify);
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

/** The page and the bench modules beside it (its relative imports) in `work/src`, built by Vite from an index.html. */
async function buildWithVite(work, page, minify) {
  mkdirSync(join(work, 'src'));
  for (const file of readdirSync(join(ROOT, 'bench'))) if (file.endsWith('.js')) copyFileSync(join(ROOT, 'bench', file), join(work, 'src', file));
  writeFileSync(join(work, 'index.html'), `<!doctype html><script type="module" src="/src/${page}"></script>`);
  await viteBuild({ root: work, configFile: false, logLevel: 'warn', build: { outDir: 'dist', emptyOutDir: true, minify } });
  return join(work, 'dist');
}
