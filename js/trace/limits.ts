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
