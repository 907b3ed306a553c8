/** Signal numbers as the WASM core knows them (src/export/signal.rs `Signal`). */
export const TRACES = 0;
export const METRICS = 1;
export const LOGS = 2;
export type SignalNumber = typeof TRACES | typeof METRICS | typeof LOGS;
