import { isDeepStrictEqual } from 'node:util';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyJsonParse, GROUP_CHARS, parseJsonInSlices } from './json-in-slices.js';
import { timeSlices } from './time-slices.js';

const parse = fastifyJsonParse(Fastify());
const never = () => null;

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, int: (n: number) => Math.floor(next() * n) };
}

const STRINGS = [
  '',
  'a',
  'é',
  'Électeur',
  '\\"',
  '\\\\',
  '\\\\\\"',
  '\\u00e9',
  '\\ud83d\\ude00',
  '😀',
  'x\\n\\ty',
  '[',
  ']{',
  '},',
  '"',
  'a,b',
  '\\/',
  '__proto__',
];
const NUMBERS = ['0', '-0', '1', '-12', '3.25', '1e5', '1.5E-3', '-2e+2', '12345678901234567890', '0.1'];

/** JSON text with random whitespace between tokens, nested containers, big arrays, escapes, duplicate keys. */
function jsonText(rng: ReturnType<typeof random>, depth: number): string {
  const ws = () => rng.pick(['', '', '', ' ', '\n', '\t', '\r\n  ']);
  const str = () => `"${Array.from({ length: rng.int(3) + 1 }, () => rng.pick(STRINGS.filter((s) => s !== '"'))).join('')}"`;
  const roll = rng.next();
  if (depth <= 0 || roll < 0.3) {
    const kind = rng.int(4);
    if (kind === 0) return str();
    if (kind === 1) return rng.pick(NUMBERS);
    return rng.pick(['true', 'false', 'null']);
  }
  // Long lists of scalars only: the texts stay small enough to parse many times.
  const length = rng.next() < 0.2 ? 0 : depth === 1 && rng.next() < 0.5 ? 40 + rng.int(200) : rng.int(6);
  if (roll < 0.65) return `[${ws()}${Array.from({ length }, () => jsonText(rng, depth - 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  const keys = ['id', 'nom', 'a', 'b', 'constructor', 'prototype', '\\u0061', 'é', '0', '10', '2'];
  const member = () => `${rng.next() < 0.5 ? `"${rng.pick(keys)}"` : str()}${ws()}:${ws()}${jsonText(rng, depth - 1)}`;
  return `{${ws()}${Array.from({ length }, member).join(`${ws()},${ws()}`)}${ws()}}`;
}

/** Today's answer: the value, or that it is refused. */
function oneGo(text: string): { value?: unknown; refused?: true } {
  try {
    return { value: parse(text) };
  } catch {
    return { refused: true };
  }
}

/** Texts the sliced parse handed to the one-go parse after all. */
let parsedWhole = 0;

async function sliced(text: string, groupChars: number): Promise<{ value?: unknown; refused?: true }> {
  try {
    return { value: await parseJsonInSlices(Buffer.from(text), parse, never, { groupChars, onFallback: () => parsedWhole++ }) };
  } catch {
    return { refused: true };
  }
}

/** Same value (key order included) or both refused. */
async function expectSame(text: string, groupChars: number) {
  // The hub gets bytes (a lone surrogate of a damaged text goes over the wire as U+FFFD).
  const expected = oneGo(Buffer.from(text).toString('utf8'));
  parsedWhole = 0;
  const got = await sliced(text, groupChars);
  // A well-formed large container is parsed in pieces, not handed whole to the fallback
  // (unless a poisoned value is dropped by a later duplicate key: then the fallback accepts it as today).
  const poisonWords = /__proto__|constructor/.test(text);
  if (!expected.refused && !poisonWords && text.length >= groupChars && /^[[{]/.test(text)) expect(parsedWhole, text).toBe(0);
  expect(got.refused).toBe(expected.refused);
  // node's deep equality (prototypes, -0): vitest's toStrictEqual compares `a.constructor`, an own key here.
  expect(isDeepStrictEqual(got.value, expected.value), text.slice(0, 200)).toBe(true);
  if (!expected.refused) expect(JSON.stringify(got.value)).toBe(JSON.stringify(expected.value));
}

describe('parseJsonInSlices gives what one JSON.parse gives', () => {
  it('on generated JSON texts, cut into groups of many sizes', async () => {
    const rng = random(7);
    for (let i = 0; i < 400; i++) {
      const text = jsonText(rng, 1 + rng.int(6));
      for (const groupChars of [1, 8, 64, 1024]) await expectSame(text, groupChars);
    }
  });

  it('on hand-picked edge cases', async () => {
    const cases = [
      '[[1,2] 3, 4]',
      '[[1,2]] ',
      '[[1,2]]]',
      '[[1,2],]',
      '[,[1]]',
      '[ ]',
      '{ }',
      '[[],{}]',
      '{"a":[1] "b":2}',
      '{"a" [1]}',
      '{"a":[1],}',
      '["\\\\", [1]]',
      '["\\"", [1]]',
      '[1 2]',
      '[[1]\u00a0]',
      '[\ufeff[1]]',
      '{"a":{"b":[1,{"c":"]}"}]}}',
      '[[1],[2]][3]',
      '{"__proto__":[1,2]}',
    ];
    for (const text of cases) for (const groupChars of [1, 2, 4, 8]) await expectSame(text, groupChars);
  });

  it('on the same texts damaged (a character dropped, doubled or inserted): the same value or the same refusal', async () => {
    const rng = random(11);
    for (let i = 0; i < 1500; i++) {
      const text = jsonText(rng, 1 + rng.int(5));
      const at = rng.int(text.length);
      const kind = rng.int(3);
      const damaged =
        kind === 0
          ? text.slice(0, at) + text.slice(at + 1)
          : kind === 1
            ? text.slice(0, at) + text[at] + text.slice(at)
            : text.slice(0, at) + rng.pick([',', '[', ']', '{', '}', '"', ':', '\\', ' ', 'x', '\uFEFF', '\u0001', '1']) + text.slice(at);
      for (const groupChars of [1, 16, 256]) await expectSame(damaged, groupChars);
    }
  });

  it('refuses proto-poisoning keys however deep, as fastify does, and accepts the same words as values', async () => {
    const filler = Array.from({ length: 50 }, (_, i) => `{"i":${i},"s":"${'x'.repeat(20)}"}`).join(',');
    for (const poison of [
      '"__proto__":{"x":1}',
      '"\\u005f_proto__":{"x":1}',
      '"constructor":{"prototype":{"x":1}}',
      '"a":{"__proto__":[]}',
      '"a":[{"constructor":{"prototype":null}}]',
    ]) {
      for (const text of [`{"m":[${filler},{${poison}}]}`, `{${poison},"m":[${filler}]}`, `[${filler},{"big":[${filler}],${poison}}]`]) {
        for (const groupChars of [1, 16, 256]) {
          expect(oneGo(text).refused).toBe(true);
          expect((await sliced(text, groupChars)).refused).toBe(true);
        }
      }
    }
    // Duplicate keys: the last value counts (a later harmless `constructor` replaces a poisoned one).
    await expectSame(`{"constructor":{"prototype":1},"m":[${filler}],"constructor":2}`, 16);
    await expectSame(`{"m":[${filler}],"v":"__proto__","w":{"k":"constructor"}}`, 16);
  });

  it('gives the event loop turns while parsing a large text', async () => {
    const electors = Array.from({ length: 20_000 }, (_, i) => ({
      id: `e-${i}`,
      nom: 'Électeur \\"x\\"',
      naissance: '1970-01-01',
      rang: i,
    }));
    const text = JSON.stringify({ mutations: [{ id: 1, payload: { electors } }] });
    expect(text.length).toBeGreaterThan(4 * GROUP_CHARS);
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    // A turn at every chance: the count shows where the parse let other work run.
    const value = await parseJsonInSlices(Buffer.from(text), parse, () => new Promise<void>((resolve) => setImmediate(resolve)));
    running = false;
    expect(value).toStrictEqual(JSON.parse(text));
    expect(turns).toBeGreaterThan(4);
    // And with time slices, the text still comes out whole.
    expect(await parseJsonInSlices(Buffer.from(text), parse, timeSlices(1))).toStrictEqual(JSON.parse(text));
  });
});

describe('parseJsonInSlices reads the bytes as Buffer#toString does', () => {
  it('invalid UTF-8 and multi-byte characters anywhere: the same value or the same refusal', async () => {
    const rng = random(3);
    const invalid = [[0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf]].map((b) =>
      Buffer.from(b),
    );
    for (let i = 0; i < 600; i++) {
      const bytes = Buffer.from(jsonText(rng, 1 + rng.int(5)));
      const at = rng.int(bytes.length);
      const damaged = Buffer.concat([bytes.subarray(0, at), rng.pick(invalid), bytes.subarray(at)]);
      const expected = oneGo(damaged.toString('utf8'));
      for (const groupChars of [1, 16, 256]) {
        let got: { value?: unknown; refused?: true };
        try {
          got = { value: await parseJsonInSlices(damaged, parse, never, { groupChars }) };
        } catch {
          got = { refused: true };
        }
        expect(got.refused).toBe(expected.refused);
        expect(isDeepStrictEqual(got.value, expected.value)).toBe(true);
      }
    }
  });
});
