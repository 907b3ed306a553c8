/** Span limits as validated by the WASM core (see src/config/mod.rs for the defaults). */
export interface ResolvedSpanLimits {
  attributeCountLimit: number;
  attributeValueLengthLimit: number;
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

/** The defaults of src/config/mod.rs: used for spans started before the WASM core has loaded. */
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

export function limitsFromCore(values: ArrayLike<number>): ResolvedSpanLimits {
  return {
    attributeCountLimit: values[0],
    attributeValueLengthLimit: values[1],
    eventCountLimit: values[2],
    linkCountLimit: values[3],
    attributePerEventCountLimit: values[4],
    attributePerLinkCountLimit: values[5],
  };
}
