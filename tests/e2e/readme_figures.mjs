// The README's fault-injection table, read by the tests that produce its figures, so that the
// README and the tests cannot drift apart: a changed figure or wording fails the test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

/** The cells of the README table row whose first cell starts with `scenario`. */
export function readmeRow(scenario) {
  const line = readFileSync(join(ROOT, 'README.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| ${scenario}`));
  if (!line) throw new Error(`README.md has no table row for "${scenario}"`);
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}

/** `cell` matched against `pattern`; its groups as numbers ("601,000" → 601000). */
export function readmeNumbers(cell, pattern) {
  const m = pattern.exec(cell);
  if (!m) throw new Error(`README cell "${cell}" no longer reads ${pattern}: update the test with the README`);
  return m.slice(1).map((g) => (g === undefined ? undefined : Number(g.replaceAll(',', ''))));
}

/** `actual` within ±`share` of the README's `figure`. */
export function near(actual, figure, share) {
  return Math.abs(actual - figure) <= figure * share;
}
