/** Span limits as validated with the rest of the configuration (js/config/schema.ts `spanLimits`). */
export interface ResolvedSpanLimits {
  attributeCountLimit: number;
  attributeValueLengthLimit: number;
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

/** The defaults of js/config/schema.ts: used for spans started before the WASM core has loaded. */
export const DEFAULT_SPAN_LIMITS: ResolvedSpanLimits = {
  attributeCountLimit: 128,
  attributeValueLengthLimit: 8192,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
};

/** Longer attribute arrays are cut: a runaway array must not become a multi-megabyte span. */
export const MAX_ARRAY_LENGTH = 1024;

/** The largest limit the configuration accepts (js/config/schema.ts, `spanLimits`). */
const MAX_LIMIT = 1 << 24;

/**
 * The configured `spanLimits`, read as the validator reads them (a whole number from 0, or 1
 * for the value length, to 2^24; anything else is the default, and the validator, a lazily
 * loaded chunk, warns once it loads), for what is recorded before the core is ready. Never throws.
 */
export function limitsFromConfig(spanLimits: unknown): ResolvedSpanLimits {
  const limits = { ...DEFAULT_SPAN_LIMITS };
  try {
    if (typeof spanLimits !== 'object' || spanLimits === null) return limits;
    const raw = spanLimits as Record<string, unknown>;
    for (const key of Object.keys(limits) as (keyof ResolvedSpanLimits)[]) {
      const n = raw[key];
      const min = key === 'attributeValueLengthLimit' ? 1 : 0;
      if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_LIMIT) limits[key] = n;
    }
  } catch {
    // A Proxy or a throwing getter: the defaults (the validator reports the configuration).
  }
  return limits;
}
