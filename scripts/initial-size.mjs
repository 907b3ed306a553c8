// Usage: node scripts/initial-size.mjs build/pkg (after scripts/build-package.sh).
// Initial load of `import { initTelemetry }`: the entry chunk plus every chunk it imports statically.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
const pkg = resolve(process.argv[2]);
const tmp = mkdtempSync(join(tmpdir(), 'f-init-'));
writeFileSync(join(tmp, 'entry.js'), `import { initTelemetry } from ${JSON.stringify(join(pkg, 'dist/index.js'))};\nwindow.t = initTelemetry;\n`);
const r = await build({ entryPoints: [join(tmp, 'entry.js')], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(tmp, 'out'), write: false, metafile: true, logLevel: 'silent' });
const outs = r.metafile.outputs;
const files = Object.fromEntries(r.outputFiles.map((f) => [f.path, f.contents]));
const key = (p) => Object.keys(outs).find((k) => resolve(k) === resolve(p)) ?? p;
const entry = Object.keys(outs).find((k) => k.endsWith('entry.js'));
const seen = new Set(); const stack = [entry];
while (stack.length) { const k = stack.pop(); if (seen.has(k)) continue; seen.add(k); for (const i of outs[k].imports) if (i.kind === 'import-statement') stack.push(i.path); }
let raw = 0; const parts = [];
for (const k of seen) { const c = files[resolve(k)]; raw += c.length; parts.push(Buffer.from(c)); }
const gz = gzipSync(Buffer.concat(parts), { level: 9 }).length;
const each = parts.reduce((n, p) => n + gzipSync(p, { level: 9 }).length, 0);
console.log(`initial (entry + static imports, ${seen.size} chunks): ${raw} B raw, ${gz} B gzip concatenated, ${each} B gzip file by file`);
for (const k of Object.keys(outs)) if (!seen.has(k)) { const c = files[resolve(k)]; const ins = Object.keys(outs[k].inputs).filter(i=>!i.includes('node_modules')).map(i=>i.split('/dist/')[1]).slice(0,6).join(' '); console.log(`  lazy ${k.split('/').pop()} ${c.length} B raw ${gzipSync(Buffer.from(c),{level:9}).length} B gzip: ${ins}`); }
