// The size budgets of the test command (scripts/size-budgets.mjs) fail the run for what they
// are meant to catch: a row over budget, a lazily loaded chunk the package ships without a
// budget, a budget for a chunk no longer shipped, and a README table that is out of date.
// Runs against a copy of the built package (build/pkg) and copies of the checked-in files (the
// checked-in ones themselves are checked by step 4 of scripts/test.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const SCRIPT = join(ROOT, 'scripts/size-budgets.mjs');

/** Runs the script on `pkg` with the given budgets and README; resolves to { code, out }. */
function check(pkg, budgets, readme, extra = []) {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [SCRIPT, pkg, `--budgets=${budgets}`, `--readme=${readme}`, ...extra], { cwd: ROOT }, (error, stdout, stderr) =>
      resolvePromise({ code: error ? error.code : 0, out: stdout + stderr }),
    );
  });
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-size-budgets-'));
  cpSync(join(ROOT, 'build/pkg'), join(dir, 'pkg'), { recursive: true });
  cpSync(join(ROOT, 'size-budgets.json'), join(dir, 'budgets.json'));
  cpSync(join(ROOT, 'README.md'), join(dir, 'README.md'));
  return { dir, pkg: join(dir, 'pkg'), budgets: join(dir, 'budgets.json'), readme: join(dir, 'README.md') };
}

test('a row over budget, a stale budget and a stale README each fail the run', async () => {
  const w = workspace();
  try {
    const json = JSON.parse(readFileSync(w.budgets, 'utf8'));
    json.budgets['initial chunk'].brotli = 1000;
    json.budgets['lazy: gone.js'] = { gzip: 1, brotli: 1 };
    writeFileSync(w.budgets, JSON.stringify(json));
    const { code, out } = await check(w.pkg, w.budgets, w.readme);
    assert.equal(code, 1, out);
    assert.match(out, /"initial chunk" is over its budget: [\d,]+ B gzip \(budget [\d,]+\), [\d,]+ B brotli \(budget 1,000\)/);
    assert.match(out, /budget for "lazy: gone.js", which the package no longer ships/);
    // The budget column changed, so the README's table no longer matches either.
    assert.match(out, /README size table, row "initial chunk/);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('a new lazily loaded chunk without a budget fails the run until it gets one', async () => {
  const w = workspace();
  try {
    mkdirSync(join(w.pkg, 'dist/extra'));
    writeFileSync(join(w.pkg, 'dist/extra/vitals.js'), 'export function start() { addEventListener("pagehide", () => console.log("vitals")); }\n');
    appendFileSync(join(w.pkg, 'dist/index.js'), '\nexport const loadVitals = () => import("./extra/vitals.js");\n');
    const missing = await check(w.pkg, w.budgets, w.readme);
    assert.equal(missing.code, 1, missing.out);
    const line = /add {2}"lazy: extra\/vitals\.js": (\{"gzip":\d+,"brotli":\d+\}) {2}to size-budgets\.json/.exec(missing.out);
    assert.ok(line, missing.out);
    // With the suggested budget and the README rewritten, it passes.
    const json = JSON.parse(readFileSync(w.budgets, 'utf8'));
    json.budgets['lazy: extra/vitals.js'] = JSON.parse(line[1]);
    writeFileSync(w.budgets, JSON.stringify(json));
    assert.equal((await check(w.pkg, w.budgets, w.readme, ['--write'])).code, 0);
    assert.match(readFileSync(w.readme, 'utf8'), /\| lazily loaded: `extra\/vitals\.js` \| \d+ B \| \d+ B \| \d+ B \| \d+ \/ \d+ B \|/);
    const fixed = await check(w.pkg, w.budgets, w.readme);
    assert.equal(fixed.code, 0, fixed.out);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});
