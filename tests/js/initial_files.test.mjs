// The initial chunk is two files: the entry's own and one chunk it shares with the lazily loaded
// ones. Lazily loaded modules import what the initial chunk holds through
// js/runtime/initial_chunk.ts; one that imports such a module directly gives esbuild another set
// of importers, so another shared file, each gzipped on its own (eight files cost 0.9 KB gzip
// more than two). Measured the way scripts/size-measure.mjs bundles the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleAndMeasure } from '../../scripts/size-measure.mjs';
import { DIST } from './load_core.mjs';

test('the initial chunk of `import { initTelemetry }` is the entry file and one shared chunk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-initial-files-'));
  try {
    writeFileSync(join(dir, 'main.js'), `import { initTelemetry } from ${JSON.stringify(`${DIST}index.js`)};\nwindow.t = initTelemetry;\n`);
    const nodePaths = [fileURLToPath(new URL('../../node_modules', import.meta.url))];
    const { metafile } = await bundleAndMeasure(join(dir, 'main.js'), { outdir: join(dir, 'out'), metafile: true, logLevel: 'silent', nodePaths, absWorkingDir: dir });
    const outputs = metafile.outputs;
    const initial = new Set();
    const visit = (path) => {
      if (initial.has(path)) return;
      initial.add(path);
      for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
    };
    visit(Object.keys(outputs).find((p) => outputs[p].entryPoint === 'main.js'));
    const files = [...initial].map((p) => `${p}: ${Object.keys(outputs[p].inputs).map((i) => relative(DIST, join(dir, i))).join(', ')}`);
    assert.ok(initial.size <= 2, `the initial chunk is ${initial.size} files (a lazily loaded module imports one of these directly, not through runtime/initial_chunk.ts?):\n${files.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
