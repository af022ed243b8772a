import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, fromWire, toWire } from './wire.js';

describe('wire encoding (web host JSON)', () => {
  it('encodes bytes exactly like standard base64, for every padding case', () => {
    for (const len of [0, 1, 2, 3, 4, 5, 0x6000 - 1, 0x6000, 0x6000 + 1, 100_003]) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = (i * 131 + 7) & 0xff;
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(b64))).toEqual(Array.from(bytes));
    }
  });

  it('round-trips Uint8Array nested in objects and arrays through JSON', () => {
    const content = new Uint8Array([0, 255, 10, 13, 0xc3, 0xa9]);
    const input = { fileName: 'liste.csv', content, parts: [new Uint8Array([1]), 'x', 3, null, { deep: new Uint8Array(0) }] };
    const json = JSON.stringify(toWire(input));
    expect(json).toContain('"content":{"$bytes":"AP8KDcOp"}');
    const back = fromWire(JSON.parse(json)) as typeof input;
    expect(back.content).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.content)).toEqual(Array.from(content));
    expect(back.parts[1]).toBe('x');
    expect((back.parts[4] as { deep: Uint8Array }).deep).toBeInstanceOf(Uint8Array);
  });

  it('decodes a Node Buffer subclass too (Buffer is a Uint8Array)', () => {
    expect(toWire(Buffer.from('abc'))).toEqual({ $bytes: 'YWJj' });
  });

  it('rejects malformed base64 instead of yielding wrong bytes', () => {
    expect(() => fromWire({ $bytes: 'ab$d' })).toThrow(/invalide/);
  });

  it('does not let a "__proto__" key change the prototype of decoded objects', () => {
    const back = fromWire(JSON.parse('{"__proto__":{"polluted":true},"a":1}')) as Record<string, unknown>;
    expect(back.a).toBe(1);
    expect((back as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
