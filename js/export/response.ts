/**
 * What one HTTP answer from GreptimeDB means for the batch that was sent (the OTLP/HTTP retry
 * rules), and the message to show for it. GreptimeDB's bodies: JSON `{"error": "…"}` (auth
 * errors add a code), text/plain from its HTTP layer, a protobuf `Export*ServiceResponse` with
 * partial success on 2xx, or a protobuf `google.rpc.Status` when it rejects every span.
 */

export const ACCEPTED = 0;
export const RETRYABLE = 1;
export const REJECTED = 2;
export type Verdict = typeof ACCEPTED | typeof RETRYABLE | typeof REJECTED;

export interface Interpretation {
  verdict: Verdict;
  /** Accepted: items refused individually (partial success). */
  rejected: number;
  /** GreptimeDB's own words ('' when it said nothing). */
  message: string;
}

/** `status` 0: the request never got a response (`body` then holds the network error's text). */
export function interpretResponse(status: number, body: Uint8Array): Interpretation {
  if (status >= 200 && status <= 299) {
    // GreptimeDB sends partial success only for traces; the three responses have one layout.
    const [rejected, message] = partialSuccess(body) ?? [0, ''];
    return { verdict: ACCEPTED, rejected: Math.max(0, rejected), message };
  }
  const retryable = status === 0 || status === 429 || status === 502 || status === 503 || status === 504;
  return { verdict: retryable ? RETRYABLE : REJECTED, rejected: 0, message: errorMessage(body) };
}

function errorMessage(body: Uint8Array): string {
  const text = new TextDecoder().decode(body).trim();
  if (text.startsWith('{')) {
    try {
      const error = (JSON.parse(text) as { error?: unknown }).error;
      if (typeof error === 'string') return error;
    } catch {
      /* not JSON after all */
    }
  }
  const status = countAndMessage(body, [0, '']);
  if (status && status[1] !== '') return status[1];
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 300) || '(empty body)';
}

/**
 * `Export{Trace,Metrics,Logs}ServiceResponse.partial_success` (field 1): the rejected count
 * (field 1, int64) and error_message (2). `undefined` when absent or malformed. A message field
 * that occurs twice is merged, as protobuf decoders do.
 */
export function partialSuccess(body: Uint8Array): [number, string] | undefined {
  let partial: [number, string] | undefined;
  const fields = readFields(body);
  if (!fields) return undefined;
  for (const [number, wireType, value] of fields) {
    if (number !== 1) continue;
    if (wireType !== LEN) return undefined;
    partial = countAndMessage(value as Uint8Array, partial ?? [0, '']);
    if (!partial) return undefined;
  }
  return partial;
}

/** A message whose field 1 is an integer and field 2 a string, read over `into`; `undefined` when malformed. */
function countAndMessage(bytes: Uint8Array, into: [number, string]): [number, string] | undefined {
  const fields = readFields(bytes);
  if (!fields) return undefined;
  const out: [number, string] = [into[0], into[1]];
  for (const [number, wireType, value] of fields) {
    if (number === 1 && wireType === VARINT) out[0] = Number(BigInt.asIntN(64, value as bigint));
    else if (number === 2 && wireType === LEN) {
      try {
        out[1] = new TextDecoder('utf-8', { fatal: true }).decode(value as Uint8Array);
      } catch {
        return undefined;
      }
    } else if (number === 1 || number === 2) return undefined;
  }
  return out;
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** The fields of a protobuf message: number, wire type, value (a varint as a bigint, bytes as a view). */
function readFields(bytes: Uint8Array): [number, number, bigint | Uint8Array][] | undefined {
  const out: [number, number, bigint | Uint8Array][] = [];
  let pos = 0;
  // As prost reads a varint: at most ten bytes, the tenth 0 or 1 (64 bits).
  const varint = (): bigint | undefined => {
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++];
      if (i === 9 && b > 1) return undefined;
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return v;
    }
    return undefined;
  };
  while (pos < bytes.length) {
    const key = varint();
    if (key === undefined || key >> 32n !== 0n) return undefined;
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) return undefined;
    let value: bigint | Uint8Array;
    if (wireType === VARINT) {
      const v = varint();
      if (v === undefined) return undefined;
      value = v;
    } else if (wireType === LEN) {
      const len = varint();
      if (len === undefined || BigInt(pos) + len > BigInt(bytes.length)) return undefined;
      value = bytes.subarray(pos, pos + Number(len));
      pos += Number(len);
    } else if (wireType === I64 || wireType === I32) {
      const n = wireType === I64 ? 8 : 4;
      if (pos + n > bytes.length) return undefined;
      value = bytes.subarray(pos, pos + n);
      pos += n;
    } else {
      return undefined;
    }
    out.push([number, wireType, value]);
  }
  return out;
}
