/** Span limits as validated by the WASM core (see src/config/mod.rs for the defaults). */
export interface ResolvedSpanLimits {
  attributeCountLimit: number;
  attributeValueLengthLimit: number;
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

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
