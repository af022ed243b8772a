import { type FieldPos, type MajicFile, type MajicLayout, type RecordLayout, lineLengthOf } from './majic-layout.js';

/**
 * Writing and reading one fixed-width MAJIC line with a record layout: the
 * generator and the parser share these, so what one writes the other reads.
 */

/** The fixed length of every data line of a file, for a vintage's layout. */
export function recordLength(layout: MajicLayout, file: MajicFile): number {
  return lineLengthOf(layout[file]);
}

/** A line of `length` characters with each value left-aligned in its field (cut to the field's length). */
export function writeLine(record: RecordLayout, values: Readonly<Record<string, string>>, length: number): string {
  const chars = Array.from({ length }, () => ' ');
  const put = ([start, len]: FieldPos, value: string) => {
    const v = value.slice(0, len).padEnd(len, ' ');
    for (let i = 0; i < len; i++) chars[start - 1 + i] = v[i]!;
  };
  if (record.type) put(record.type.pos, record.type.value);
  for (const [name, value] of Object.entries(values)) {
    const pos = record.fields[name];
    if (!pos) throw new Error(`field ${name} is not in the layout`);
    put(pos, value);
  }
  return chars.join('');
}

/** Each field of the layout, as written (trailing spaces trimmed, leading ones kept: codes may start with a space). */
export function readLine(record: RecordLayout, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [start, len]] of Object.entries(record.fields)) out[name] = line.slice(start - 1, start - 1 + len).trimEnd();
  return out;
}

/** The record layout this line is, among a file's, or null. */
export function recordOf(records: Readonly<Record<string, RecordLayout>>, line: string): [string, RecordLayout] | null {
  for (const [name, r] of Object.entries(records)) {
    if (r.type === null) return [name, r];
    const [start, len] = r.type.pos;
    if (line.slice(start - 1, start - 1 + len) === r.type.value) return [name, r];
  }
  return null;
}
