/**
 * A metric attribute set in canonical form, sorted by key, as the WASM core identifies a series
 * by its bytes (src/pipeline/metric_aggregator.rs): `{a, b}` and `{b, a}` must be one series.
 * Done here, on the cold path of a new set, rather than in the core, where sorting cost 1.4 KB of
 * `.wasm`. Keys are unique in an `AttributeList` (a repeated key replaced the earlier value).
 */

import type { AttributeList } from '../trace/attributes.js';

/**
 * Sorts `list` by key in place (an insertion sort: sets are small, often sorted already, and
 * nothing is allocated) and returns it. Only for lists made for one registration
 * (instruments.ts `attributeList`), never the app's.
 */
export function sortByKey(list: AttributeList): AttributeList {
  const { keys, values } = list;
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    const value = values[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
    }
    keys[j + 1] = key;
    values[j + 1] = value;
  }
  return list;
}
