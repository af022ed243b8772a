import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timeSlices, type TurnIfDue } from './time-slices.js';

/**
 * A large push body (an electoral import: 18 MB of JSON for 35 000 electors) decoded and parsed in one go
 * held the event loop ~170 ms (40 ms Buffer → string, 130 ms JSON.parse), and every other commune's request
 * waited for it. Here the bytes are scanned (UTF-8 never hides an ASCII byte inside a character, so the
 * brackets, commas and quotes found are the text's), and runs of small members of the large arrays and
 * objects are decoded and parsed together by `parse` (the hub's own JSON parser, with its proto-poisoning
 * checks), with turns of the event loop between runs. The result is `parse(bytes.toString('utf8'))`: a
 * piece cut at ASCII bytes decodes as it does within the whole (invalid sequences → U+FFFD alike), and on
 * anything unusual (an error, a byte-order mark, deep nesting of large containers) the whole body goes to
 * `parse` in one go, so a refusal is the very refusal of today.
 */

/** Runs of members are parsed about this many bytes at a time (~3 ms for 256 KB). */
export const GROUP_CHARS = 256 * 1024;
/** Large containers nested deeper than this: unusual, parsed in one go. */
const MAX_DESCENT = 32;

/** Parses one JSON text, throws if malformed or refused (secure-json-parse as fastify configures it). */
export type ParseJson = (text: string) => unknown;

/** Fastify's own JSON parser as `app` is configured (secure-json-parse: `__proto__`, `constructor.prototype`), throwing its errors. */
export function fastifyJsonParse(app: FastifyInstance): ParseJson {
  const parser = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let outcome: { error: Error | null; value?: unknown } | undefined;
    parser({} as FastifyRequest, text, (error, value) => {
      outcome = { error, value };
    });
    if (!outcome) throw new Error('the default JSON parser did not answer');
    if (outcome.error) throw outcome.error;
    return outcome.value;
  };
}

export interface SliceOptions {
  /** Containers shorter than this are parsed in one go (tests use small values). */
  groupChars?: number;
  /** Told when the text went to the one-go parse after all (why: an error or an unusual shape). */
  onFallback?: (reason: unknown) => void;
}

/** `parse(bytes.toString('utf8'))`, in slices when the body is large. */
export async function parseJsonInSlices(
  bytes: Buffer,
  parse: ParseJson,
  turnIfDue: TurnIfDue = timeSlices(),
  { groupChars = GROUP_CHARS, onFallback }: SliceOptions = {},
): Promise<unknown> {
  // A byte-order mark (secure-json-parse drops it): unusual, one go.
  if (bytes.length < groupChars || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return parse(bytes.toString('utf8'));
  try {
    return await new SlicedParser(bytes, parse, turnIfDue, groupChars).whole();
  } catch (reason) {
    onFallback?.(reason);
    // Correctness first: the one-go parse gives today's value or today's refusal (e.g. a poisoned value a
    // later duplicate key replaces is accepted today; here its own group was refused).
    return parse(bytes.toString('utf8'));
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const isWhitespace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Unusual extends Error {}

class SlicedParser {
  constructor(
    private readonly bytes: Buffer,
    private readonly parse: ParseJson,
    private readonly turnIfDue: TurnIfDue,
    private readonly groupChars: number,
  ) {}

  /** The whole text: one container with whitespace around it (anything else goes to the one-go parse). */
  async whole(): Promise<unknown> {
    const { bytes: text } = this;
    const start = skipWhitespace(text, 0);
    const [value, after] = await this.container(start, 0);
    if (skipWhitespace(text, after) !== text.length) throw new Unusual('trailing');
    return value;
  }

  /**
   * The container opening at `open`: its value and the index after its closing bracket. Its members are
   * scanned once, left to right (strings jumped over with indexOf); runs of small members are parsed
   * together (about groupChars at a time); a member still inside a nested container after groupChars
   * characters is large: that container is parsed the same way, from where it opens, so each character
   * is scanned about once, whatever the nesting. A turn of the event loop is given between runs when due.
   */
  private async container(open: number, level: number): Promise<[unknown, number]> {
    const { bytes: text, groupChars } = this;
    const opener = text[open];
    if (opener !== OPEN_ARRAY && opener !== OPEN_OBJECT) throw new Unusual('not a container');
    if (level >= MAX_DESCENT) throw new Unusual('deep');
    const isArray = opener === OPEN_ARRAY;
    const closer = isArray ? CLOSE_ARRAY : CLOSE_OBJECT;
    const items: unknown[] = [];
    const entries: Array<[string, unknown]> = [];
    let groupStart = open + 1;
    let count = 0;
    let memberStart = open + 1;
    let depth = 0;
    let filled = false;
    let descended = false;
    const flush = async (to: number) => {
      if (count > 0) this.group(isArray, groupStart, to, count, items, entries);
      count = 0;
      const turn = this.turnIfDue();
      if (turn) await turn;
    };
    for (let at = open + 1; ; at++) {
      if (at >= text.length) throw new Unusual('unclosed');
      const c = text[at];
      // After a large member's container, only whitespace until the comma or the end.
      if (descended && c !== COMMA && c !== closer && !isWhitespace(c)) throw new Unusual('after member');
      if (c === QUOTE) {
        at = stringEnd(text, at);
        if (at < 0) throw new Unusual('string');
        filled = true;
      } else if (depth === 0 && (c === COMMA || c === closer)) {
        if (!filled) {
          if (c === closer && memberStart === open + 1) return [isArray ? items : this.object(entries), at + 1]; // empty
          throw new Unusual('empty member');
        }
        if (descended) groupStart = at + 1;
        else {
          count++;
          if (at - groupStart >= groupChars || c === closer) {
            await flush(at);
            groupStart = at + 1;
          }
        }
        if (c === closer) return [isArray ? items : this.object(entries), at + 1];
        memberStart = at + 1;
        filled = false;
        descended = false;
      } else if (depth > 0 && !descended && at - memberStart >= groupChars && (c === OPEN_ARRAY || c === OPEN_OBJECT || c === COMMA)) {
        // A large member: what is grouped so far, then its container on its own (rescanned from its start).
        await flush(memberStart - 1);
        at = await this.largeMember(isArray, memberStart, level, items, entries);
        descended = true;
        depth = 0;
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        depth++;
        filled = true;
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        if (--depth < 0) throw new Unusual('depth');
      } else if (!isWhitespace(c)) {
        filled = true;
      }
    }
  }

  /** A member found large: parses its container (from where it opens) and answers the index of its last character. */
  private async largeMember(
    isArray: boolean,
    memberStart: number,
    level: number,
    items: unknown[],
    entries: Array<[string, unknown]>,
  ): Promise<number> {
    const { bytes: text } = this;
    if (isArray) {
      const [value, after] = await this.container(skipWhitespace(text, memberStart), level + 1);
      items.push(value);
      return after - 1;
    }
    const [key, valueStart] = this.key(memberStart);
    const [value, after] = await this.container(skipWhitespace(text, valueStart), level + 1);
    entries.push([key, value]);
    return after - 1;
  }

  /** Parses the `count` members in [from, to) together and adds them to `items` or `entries`. */
  private group(isArray: boolean, from: number, to: number, count: number, items: unknown[], entries: Array<[string, unknown]>): void {
    const slice = this.bytes.toString('utf8', from, to);
    if (isArray) {
      const group = this.parse(`[${slice}]`) as unknown[];
      if (group.length !== count) throw new Unusual('count');
      for (const element of group) items.push(element);
      return;
    }
    const group = this.parse(`{${slice}}`) as Record<string, unknown>;
    for (const key of Object.keys(group)) entries.push([key, group[key]]);
  }

  /** The object of these entries in order (a later duplicate key replaces the value, as JSON.parse does). */
  private object(entries: Array<[string, unknown]>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      // An own `__proto__` key is refused (and assigning it would change the prototype).
      if (key === '__proto__') throw new Unusual('proto');
      out[key] = value;
    }
    // The same check as secure-json-parse's constructorAction 'error', on the object built here.
    const ctor = Object.hasOwn(out, 'constructor') ? out.constructor : null;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) throw new Unusual('constructor');
    return out;
  }

  /** A member `"key": value` starting at `start` (after whitespace): its key and where its value starts. */
  private key(start: number): [string, number] {
    const { bytes: text } = this;
    start = skipWhitespace(text, start);
    if (text[start] !== QUOTE) throw new Unusual('key');
    const close = stringEnd(text, start);
    if (close < 0) throw new Unusual('key');
    const key = this.parse(text.toString('utf8', start, close + 1));
    if (typeof key !== 'string') throw new Unusual('key');
    const colon = skipWhitespace(text, close + 1);
    if (text[colon] !== COLON) throw new Unusual('colon');
    return [key, colon + 1];
  }
}

function skipWhitespace(text: Buffer, at: number): number {
  while (at < text.length && isWhitespace(text[at])) at++;
  return at;
}

/** The closing quote of the string opening at `open` (jumps from quote to quote), or -1. */
function stringEnd(text: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
