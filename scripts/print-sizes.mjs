// Prints what the package costs: the .wasm, the JS, and one esbuild bundle of
// `import { initTelemetry } from 'greptime-web-telemetry'` as a user's bundler would ship it.
import { readFileSync, readdirSync, statSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, inflateRawSync, constants } from 'node:zlib';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';

const [pkgDir, tarball] = process.argv.slice(2).map((p) => resolve(p));
const fmt = (buf) => {
  const gz = gzipSync(buf, { level: 9 }).length;
  const br = brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return `${buf.length} B raw, ${gz} B gzip, ${br} B brotli`;
};
const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

const wasm = inflateRawSync(Buffer.from((await import(join(pkgDir, 'dist/wasm/inline_wasm.js'))).WASM_DEFLATE_BASE64, 'base64'));
const inlineJs = readFileSync(join(pkgDir, 'dist/wasm/inline_wasm.js'));
const glue = readFileSync(join(pkgDir, 'dist/wasm/greptime_web_telemetry.js'));
const ownJs = Buffer.concat(walk(join(pkgDir, 'dist')).filter((f) => f.endsWith('.js') && !f.includes('/wasm/')).map((f) => readFileSync(f)));

const tmp = mkdtempSync(join(tmpdir(), 'gwt-size-'));
writeFileSync(join(tmp, 'entry.js'), `import { initTelemetry } from ${JSON.stringify(join(pkgDir, 'dist/index.js'))};\nwindow.t = initTelemetry;\n`);
writeFileSync(
  join(tmp, 'react-entry.js'),
  `import { initTelemetry } from ${JSON.stringify(join(pkgDir, 'dist/index.js'))};\n` +
    `import * as r from ${JSON.stringify(join(pkgDir, 'dist/react/index.js'))};\nwindow.t = [initTelemetry, r];\n`,
);
const bundleOf = async (entry) => {
  const result = await build({
    entryPoints: [join(tmp, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: join(tmp, 'out'),
    write: false,
    logLevel: 'silent',
    external: ['react', 'react/jsx-runtime'],
  });
  return {
    all: Buffer.concat(result.outputFiles.map((f) => Buffer.from(f.contents))),
    entry: Buffer.from(result.outputFiles.find((f) => f.path.endsWith(entry)).contents),
  };
};
const { all: bundle, entry: entryChunk } = await bundleOf('entry.js');
const { entry: reactChunk } = await bundleOf('react-entry.js');
rmSync(tmp, { recursive: true, force: true });

console.log('[build] sizes (gzip -9, brotli -q 11):');
console.log(`  .wasm                         ${fmt(wasm)}`);
console.log(`  .wasm inlined, deflate+base64 ${fmt(inlineJs)}`);
console.log(`  wasm-bindgen glue JS          ${fmt(glue)}`);
console.log(`  SDK JS (dist, unminified)     ${fmt(ownJs)}`);
console.log(`  esbuild bundle, minified: initial chunk ${fmt(entryChunk)}`);
console.log(`  esbuild bundle, minified: all chunks    ${fmt(bundle)}`);
const gz = (b) => gzipSync(b, { level: 9 }).length;
console.log(`  + greptime-web-telemetry/react (react external): initial chunk ${fmt(reactChunk)}; the React entry adds ${reactChunk.length - entryChunk.length} B raw, ${gz(reactChunk) - gz(entryChunk)} B gzip`);
// greptime-web-telemetry/otel (the OpenTelemetry API bridge), @opentelemetry/api external as a peer: what it adds to the initial chunk.
{
  const dir = mkdtempSync(join(tmpdir(), 'gwt-size-otel-'));
  const main = join(pkgDir, 'dist/index.js');
  writeFileSync(join(dir, 'otel-entry.js'), `import { initTelemetry } from ${JSON.stringify(main)};\nimport { registerGlobals } from ${JSON.stringify(join(pkgDir, 'dist/otel/index.js'))};\nwindow.t = [initTelemetry, registerGlobals];\n`);
  const result = await build({ entryPoints: [join(dir, 'otel-entry.js')], bundle: true, minify: true, format: 'esm', platform: 'browser', splitting: true, outdir: join(dir, 'out'), write: false, logLevel: 'silent', external: ['@opentelemetry/api'] });
  const otelChunk = Buffer.from(result.outputFiles.find((f) => f.path.endsWith('otel-entry.js')).contents);
  rmSync(dir, { recursive: true, force: true });
  console.log(`  + greptime-web-telemetry/otel (@opentelemetry/api external): initial chunk ${fmt(otelChunk)}; the bridge adds ${otelChunk.length - entryChunk.length} B raw, ${gz(otelChunk) - gz(entryChunk)} B gzip`);
}
if (tarball) console.log(`  npm tarball                   ${statSync(tarball).size} B (${tarball})`);
