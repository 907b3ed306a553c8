/** OpenTelemetry severity numbers and texts, each derivable from the other. */

const BANDS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** 1-24 from a number or a text such as `warn`, `WARNING`, `Error2`; 0 when unknown. */
export function severityNumberOf(number: unknown, text: unknown): number {
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= 24) return number;
  if (typeof text !== 'string') return 0;
  const upper = text.trim().toUpperCase();
  const m = /^([A-Z]+?)([2-4])?$/.exec(upper);
  const name = m?.[1] === 'WARNING' ? 'WARN' : m?.[1] === 'CRITICAL' ? 'FATAL' : m?.[1];
  const band = name ? BANDS.indexOf(name) : -1;
  if (band < 0) return 0;
  return band * 4 + 1 + (m?.[2] ? Number(m[2]) - 1 : 0);
}

/** The text for a severity number: `INFO`, `ERROR2`, …; empty for 0. */
export function severityTextOf(number: number): string {
  if (number < 1 || number > 24) return '';
  const step = (number - 1) % 4;
  return BANDS[Math.floor((number - 1) / 4)] + (step ? String(step + 1) : '');
}
