/**
 * JSON encoding of channel inputs, outputs and event payloads for the web
 * host (HTTP + SSE). JSON has no bytes type, so every Uint8Array travels as
 * `{ "$bytes": "<base64>" }`. Both sides (renderer HTTP bridge and
 * electron/webhost) use these two functions, so the format lives in one place.
 *
 * Pure TS on purpose: shared/ has neither Buffer (Node) nor btoa (DOM).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  // Also accept the URL-safe alphabet: costs nothing and avoids a footgun.
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

/** Bytes per String.fromCharCode call: big enough to be fast, small enough for the argument limit. */
const CHUNK = 0x6000; // divisible by 3, so chunks never split a base64 group

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const codes = new Array<number>(0);
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, bytes.length);
    codes.length = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      codes.push(
        ALPHABET.charCodeAt(n >>> 18),
        ALPHABET.charCodeAt((n >>> 12) & 63),
        ALPHABET.charCodeAt((n >>> 6) & 63),
        ALPHABET.charCodeAt(n & 63),
      );
    }
    const rest = end - i;
    if (rest === 1) {
      const n = bytes[i] << 16;
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), 61, 61);
    } else if (rest === 2) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
      codes.push(ALPHABET.charCodeAt(n >>> 18), ALPHABET.charCodeAt((n >>> 12) & 63), ALPHABET.charCodeAt((n >>> 6) & 63), 61);
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length - end > 2) throw new Error('base64: trop de caractères de remplissage');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : -1;
    if (v < 0) throw new Error(`base64: caractère invalide à la position ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  return o === out.length ? out : out.subarray(0, o);
}

function isBytesMarker(x: object): x is { $bytes: string } {
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0] === '$bytes' && typeof (x as { $bytes: unknown }).$bytes === 'string';
}

/** Value → JSON-safe value (Uint8Array → `{ $bytes }`), recursively. Other values are kept as is. */
export function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: bytesToBase64(value) };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

/** Parsed JSON → value (`{ $bytes }` → Uint8Array), recursively. Throws on malformed base64. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    if (isBytesMarker(value)) return base64ToBytes(value.$bytes);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // JSON.parse creates "__proto__" as an own key; copying it would rewrite the prototype.
      if (k === '__proto__') continue;
      out[k] = fromWire(v);
    }
    return out;
  }
  return value;
}
