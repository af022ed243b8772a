import { deflateRawSync } from 'node:zlib';
import Papa from 'papaparse';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { REU_EXTRACT_COLUMNS, REU_HEADERS } from '../../shared/electoral/reu-columns.js';
import { generateReuExtract, generateReuRows, renderReuCsv, type ReuRow } from '../../shared/electoral/synthetic.js';
import { GuichetError } from '../../shared/errors.js';
import { parseReuDate, parseReuExtract, parseReuExtractAsync, splitSimpleCsv, type ParsedExtract } from './reu-parser.js';
import { asMojibake, asWindows1252, truncated, utf8Bytes, withBomAndCrlf } from './reu-variants.js';

const OPTS = { seed: 42, count: 400, inseeCode: '10387', communeName: 'Troyes', extractDate: '2026-03-02' };
const extract = generateReuExtract(OPTS);

function refusal(fn: () => unknown): GuichetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GuichetError);
    expect((err as GuichetError).code).toBe('import_rejected');
    return err as GuichetError;
  }
  throw new Error('the extract was accepted');
}

const byName = (p: ParsedExtract, birthName: string) => p.electors.filter((e) => e.birthName === birthName);

describe('synthetic REU extract', () => {
  it('is the same for the same seed and differs for another seed', () => {
    expect(generateReuExtract(OPTS).csv).toBe(extract.csv);
    expect(generateReuExtract({ ...OPTS, seed: 43 }).csv).not.toBe(extract.csv);
  });

  it('writes the real header, quotes every field but the last, no BOM, LF, REU file name', () => {
    const [header, first] = extract.csv.split('\n');
    expect(header.startsWith(`"code de l'ugle";"libellé de l'ugle";"libellé du type de liste";"nom de naissance"`)).toBe(true);
    expect(header.endsWith(`;numéro d'ordre dans le bureau de vote`)).toBe(true);
    expect(first).toMatch(/;"[^"]*";\d+$/);
    expect(first).toContain(';;'); // empty fields are bare
    expect(extract.csv.charCodeAt(0)).not.toBe(0xfeff);
    expect(extract.csv).not.toContain('\r');
    expect(extract.fileName).toBe('com10387_electeurs_actifs_02-03-2026.csv');
    expect(extract.electorsCount).toBe(400);
  });
});

describe('parseReuExtract on a clean UTF-8 extract', () => {
  const parsed = parseReuExtract(extract.fileName, utf8Bytes(extract.csv));

  it('reads every row, the three lists, the extract date and commune', () => {
    expect(parsed.electors).toHaveLength(400);
    expect(parsed.counts.LP + parsed.counts.LCM + parsed.counts.LCE).toBe(400);
    expect(parsed.counts.LCM).toBeGreaterThan(0);
    expect(parsed.counts.LCE).toBeGreaterThan(0);
    expect(parsed.extractDate).toBe('2026-03-02');
    expect(parsed.communeCode).toBe('10387');
    expect(parsed.encoding).toBe('utf-8');
  });

  it('keeps 00 days and months, stored AAAA-MM-JJ', () => {
    expect(byName(parsed, "D'ARTAGNAN")[0].birthDate).toBe('1943-00-00');
    expect(byName(parsed, 'LE GOFF')[0].birthDate).toBe('1944-05-00');
    expect(byName(parsed, 'THÉRY')[0].birthDate).toBe('1964-02-29');
    expect(parsed.warnings.some((w) => w.includes('« 00 »'))).toBe(true);
  });

  it('keeps names as written: particles, apostrophes, hyphens, accents, empty first names and usage names', () => {
    expect(byName(parsed, 'DE LA FONTAINE')[0]).toMatchObject({ usageName: 'MARTIN', firstNames: 'Jeanne Hélène', sex: 'F' });
    expect(byName(parsed, 'LE GOFF')[0].usageName).toBe('LE GOFF');
    expect(byName(parsed, 'MARTIN-DUPONT')[0]).toMatchObject({ usageName: 'LEFÈVRE', firstNames: 'Marie-Thérèse Agnès' });
    expect(byName(parsed, 'NGUYEN')[0]).toMatchObject({ firstNames: '', usageName: null });
    expect(byName(parsed, 'SCHÖNBERGER')[0]).toMatchObject({ firstNames: 'Jürgen', listType: 'LCE', nationality: 'DE' });
    expect(parsed.warnings).toContain('1 électeur sans prénom.');
  });

  it('never merges homonyms: identical identity gives distinct ids; father and son too', () => {
    const bernards = byName(parsed, 'BERNARD').filter((e) => e.firstNames === 'Jean Pierre');
    const twins = bernards.filter((e) => e.birthDate === '1950-03-12');
    expect(twins).toHaveLength(2);
    expect(twins[0].id).not.toBe(twins[1].id);
    expect(twins[1].id).toBe(`${twins[0].id}-2`);
    expect(bernards.find((e) => e.birthDate === '1976-09-02')!.id).not.toBe(twins[0].id);
    expect(new Set(parsed.electors.map((e) => e.id)).size).toBe(400);
    expect(parsed.warnings.some((w) => w.includes('homonymes'))).toBe(true);
  });

  it('keeps an EU elector on both complementary lists as two records', () => {
    const oneill = byName(parsed, "O'NEILL");
    expect(oneill.map((e) => e.listType).sort()).toEqual(['LCE', 'LCM']);
    expect(oneill[0].id).not.toBe(oneill[1].id);
    expect(oneill.every((e) => e.nationality === 'IE' && e.birthPlace.departementCode === '99')).toBe(true);
  });

  it('keeps duplicated numéros d’ordre and incomplete rows', () => {
    const roux = byName(parsed, 'ROUX').find((e) => e.firstNames === 'Émile')!;
    const petit = byName(parsed, 'PETIT').find((e) => e.firstNames === 'Louis')!;
    expect(petit.bureau.code).toBe(roux.bureau.code);
    expect(petit.numeroOrdre).toBe(roux.numeroOrdre);
    const durand = byName(parsed, 'DURAND').find((e) => e.firstNames === 'Paul')!;
    expect(durand.numeroOrdre).toBeNull();
    expect(durand.address).toMatchObject({ number: null, street: null, lieuDit: 'LES GRANDS CHAMPS' });
    expect(parsed.warnings.some((w) => w.includes("numéro d'ordre en double"))).toBe(true);
  });

  it('gives the same ids when the same extract is imported again', () => {
    const again = parseReuExtract('autre-nom.csv', utf8Bytes(extract.csv));
    expect(again.electors.map((e) => e.id)).toEqual(parsed.electors.map((e) => e.id));
  });

  it('reads a spreadsheet re-save in Windows-1252 with correct accents and the same electors', () => {
    const p = parseReuExtract(extract.fileName, asWindows1252(extract.csv));
    expect(p.encoding).toBe('windows-1252');
    expect(p.electors).toEqual(parsed.electors);
    expect(byName(p, 'THÉRY')[0].firstNames).toBe('Hélène Noëlle Zoé Anaïs');
  });

  it('reads UTF-8 with BOM and CRLF line ends', () => {
    const p = parseReuExtract(extract.fileName, withBomAndCrlf(extract.csv));
    expect(p.encoding).toBe('utf-8');
    expect(p.electors).toEqual(parsed.electors);
  });
});

describe('header variants and file-name information', () => {
  it('matches headers whatever their case, accents, apostrophes and known variants', () => {
    const rows = generateReuRows({ ...OPTS, count: 30 });
    const csv = renderReuCsv(rows)
      .replace(`"code de l'ugle"`, `"Code du l’UGLE"`)
      .replace(`"code commune de naissance"`, `"code de la commune de naissance"`)
      .replace(`"code département de naissance"`, `"CODE DU DEPARTEMENT DE NAISSANCE"`)
      .replace(`"prénoms"`, `" Prenoms "`);
    const p = parseReuExtract('extrait.csv', utf8Bytes(csv));
    expect(p.communeCode).toBe('10387');
    expect(byName(p, 'LE GOFF')[0].birthPlace).toMatchObject({ communeCode: '75056', departementCode: '75' });
    expect(byName(p, 'DE LA FONTAINE')[0].firstNames).toBe('Jeanne Hélène');
  });

  it('takes the list type from the file name when the column is absent', () => {
    const rows = generateReuRows({ ...OPTS, count: 20, listMix: { LCE: 1 } });
    const csv = renderReuCsv(
      rows,
      REU_EXTRACT_COLUMNS.filter((c) => c !== 'listLabel'),
    );
    const p = parseReuExtract('com10387_LCE_15-01-2026.csv', utf8Bytes(csv));
    expect(p.counts).toEqual({ LP: 0, LCM: 0, LCE: 20 });
    expect(p.extractDate).toBe('2026-01-15');
    const e = refusal(() => parseReuExtract('extrait.csv', utf8Bytes(csv)));
    expect(e.message).toContain('« libellé du type de liste »');
  });

  it('uses the INE for the id when the extract has one, so a person keeps it whatever changes', () => {
    const rows = generateReuRows({ ...OPTS, count: 3 }).map((r, i) => ({ ...r, ine: String(123456780 + i) }));
    const cols = [...REU_EXTRACT_COLUMNS.slice(0, -1), 'ine' as const, REU_EXTRACT_COLUMNS.at(-1)!];
    const p = parseReuExtract('x.csv', utf8Bytes(renderReuCsv(rows, cols)));
    expect(p.electors.map((e) => [e.id, e.ine])).toEqual([
      ['ine-LP-123456780', '123456780'],
      ['ine-LP-123456781', '123456781'],
      ['ine-LP-123456782', '123456782'],
    ]);
    const renamed = rows.map((r) => ({ ...r, birthName: `${r.birthName}X` }));
    expect(parseReuExtract('x.csv', utf8Bytes(renderReuCsv(renamed, cols))).electors.map((e) => e.id)).toEqual(p.electors.map((e) => e.id));
  });

  it('refuses an extract mixing communes', () => {
    const rows = generateReuRows({ ...OPTS, count: 10 });
    rows[6] = { ...rows[6], ugleCode: '10388' };
    const e = refusal(() => parseReuExtract('x.csv', utf8Bytes(renderReuCsv(rows))));
    expect(e.message).toBe("Ligne 8 : l'extrait mélange plusieurs communes (10387 et 10388) : importez l'extrait d'une seule commune.");
  });

  it('puts back the leading zeros a spreadsheet drops from codes', () => {
    const rows = generateReuRows({ ...OPTS, count: 5 });
    rows[0] = { ...rows[0], bureauCode: '1', postalCode: '1000' };
    const p = parseReuExtract('x.csv', utf8Bytes(renderReuCsv(rows)));
    expect(p.electors[0].bureau.code).toBe('0001');
    expect(p.electors[0].address.postalCode).toBe('01000');
  });
});

describe('refused files land nowhere, with the line and a French reason', () => {
  const rows = () => generateReuRows({ ...OPTS, count: 50 });
  const withRow = (i: number, patch: Partial<ReuRow>) => {
    const r = rows();
    r[i] = { ...r[i], ...patch };
    return utf8Bytes(renderReuCsv(r));
  };

  it('refuses an impossible date with the exact message and no personal data in the detail', () => {
    const e = refusal(() => parseReuExtract('x.csv', withRow(9, { birthDate: '31/02/1950' })));
    expect(e.message).toBe('Ligne 11 : la date de naissance est invalide (31/02/1950).');
    expect(e.detail).toBe('line=11 reason=invalid_birth_date');
  });

  it('refuses a missing birth name', () => {
    const e = refusal(() => parseReuExtract('x.csv', withRow(3, { birthName: '' })));
    expect(e.message).toBe('Ligne 5 : le nom de naissance est absent.');
  });

  it('keeps a row without a bureau de vote, with a warning', () => {
    const p = parseReuExtract('x.csv', withRow(0, { bureauCode: '' }));
    expect(p.electors[0].bureau.code).toBe('');
    expect(p.warnings).toContain('1 électeur sans bureau de vote.');
  });

  it('refuses a value longer than the hub accepts, naming the column', () => {
    const e = refusal(() => parseReuExtract('x.csv', withRow(4, { bureauCode: 'B'.repeat(600) })));
    expect(e.message).toMatch(/^Ligne 6 : la colonne « code du bureau de vote » est trop longue \(600 caractères, \d+ au plus\)\.$/);
    const name = refusal(() => parseReuExtract('x.csv', withRow(4, { birthName: 'X'.repeat(900) })));
    expect(name.message).toMatch(/^Ligne 6 : la colonne « nom de naissance » est trop longue/);
    expect(name.detail).toMatch(/^line=6 reason=too_long field=birthName length=900$/);
  });

  it('refuses a row with the wrong number of fields', () => {
    const lines = renderReuCsv(rows()).split('\n');
    lines[20] = lines[20].replace(/;"[^"]*";/, ';');
    const e = refusal(() => parseReuExtract('x.csv', utf8Bytes(lines.join('\n'))));
    expect(e.message).toBe('Ligne 21 : la ligne a 26 champs au lieu de 27.');
  });

  it('refuses a truncated file', () => {
    const e = refusal(() => parseReuExtract(extract.fileName, truncated(extract.csv)));
    expect(e.message).toMatch(/^Ligne \d+ : .*tronqué/);
  });

  it('refuses a file whose last line was cut just after a separator', () => {
    const csv = renderReuCsv(rows());
    const cut = csv.slice(0, csv.lastIndexOf(';', csv.lastIndexOf(';') - 1) + 1);
    const e = refusal(() => parseReuExtract('x.csv', utf8Bytes(cut)));
    expect(e.message).toBe('Ligne 51 : la ligne a 26 champs au lieu de 27 (fichier tronqué ?).');
  });

  it('refuses names already garbled by a wrong conversion (mojibake)', () => {
    const e = refusal(() => parseReuExtract(extract.fileName, asMojibake(extract.csv)));
    expect(e.message).toMatch(/^Ligne 1 : les accents du fichier sont abîmés/);
    expect(e.detail).toBe('line=1 reason=mojibake encoding=utf-8');
  });

  it('refuses a file without the required columns, naming them', () => {
    const csv = renderReuCsv(
      rows(),
      REU_EXTRACT_COLUMNS.filter((c) => c !== 'birthDate' && c !== 'birthName'),
    );
    const e = refusal(() => parseReuExtract('x.csv', utf8Bytes(csv)));
    expect(e.message).toBe(
      `Ce fichier n'est pas un extrait du REU reconnu : colonnes absentes « ${REU_HEADERS.birthName[0]} », « ${REU_HEADERS.birthDate[0]} ».`,
    );
  });

  it('refuses binary and empty files', () => {
    expect(refusal(() => parseReuExtract('x.csv', new Uint8Array([0x00, 0x01, 0x02, 0x03, 0x04, 0x05]))).message).toMatch(
      /caractères illisibles/,
    );
    expect(refusal(() => parseReuExtract('x.csv', new Uint8Array())).message).toBe('Le fichier est vide.');
  });
});

/** A ZIP with its entries in order (local headers only: what a file's first bytes show), deflated as office suites write them. */
function zipOf(entries: [name: string, content: string, stored?: boolean][]): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, content, stored] of entries) {
    const data = stored ? Buffer.from(content) : deflateRawSync(Buffer.from(content));
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(stored ? 0 : 8, 8);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(name.length, 26);
    parts.push(header, Buffer.from(name), data);
  }
  return new Uint8Array(Buffer.concat(parts));
}

describe('a file that is not a CSV extract is named, not read', () => {
  const said = (bytes: Uint8Array, name = 'liste.csv') => refusal(() => parseReuExtract(name, bytes)).message;
  const tail = 'pas un extrait du REU au format CSV : choisissez le fichier téléchargé depuis le REU, dont le nom se termine par « .csv ».';

  it('says a PDF is a PDF (it was refused as « les accents du fichier sont abîmés »)', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage().drawText('Liste electorale - Troyes');
    const bytes = await pdf.save();
    expect(said(bytes, 'liste electorale.pdf')).toBe(`Ce fichier est un PDF, ${tail}`);
    await expect(parseReuExtractAsync('liste.csv', bytes)).rejects.toThrow(/^Ce fichier est un PDF,/);
  });

  it('names spreadsheets, documents, archives and images by their first bytes', () => {
    const xlsx = zipOf([
      ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'],
      ['_rels/.rels', '<Relationships/>'],
      ['xl/workbook.xml', '<workbook/>'],
    ]);
    expect(said(xlsx)).toBe(`Ce fichier est un classeur Excel (.xlsx), ${tail}`);
    const ods = zipOf([
      ['mimetype', 'application/vnd.oasis.opendocument.spreadsheet', true],
      ['content.xml', '<office:document-content/>'],
    ]);
    expect(said(ods)).toBe(`Ce fichier est un classeur LibreOffice (.ods), ${tail}`);
    expect(said(zipOf([['word/document.xml', '<w:document/>']]))).toMatch(/^Ce fichier est un document Word \(\.docx\),/);
    expect(said(zipOf([['liste.csv', renderReuCsv(generateReuRows({ ...OPTS, count: 5 }))]]))).toMatch(/^Ce fichier est une archive ZIP,/);
    const ole = new Uint8Array(512);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(said(ole, 'liste.xls')).toMatch(/^Ce fichier est un classeur Excel ou un document Word \(ancien format \.xls ou \.doc\),/);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    expect(said(new Uint8Array(png), 'scan.png')).toBe(`Ce fichier est une image PNG, ${tail}`);
    expect(said(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]))).toMatch(/^Ce fichier est une image JPEG,/);
    expect(said(new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')))).toMatch(/^Ce fichier est une image GIF,/);
  });

  it('still reads a genuine extract', () => {
    expect(parseReuExtract(extract.fileName, utf8Bytes(extract.csv)).electors).toHaveLength(400);
  });
});

describe('parseReuExtractAsync (the main-thread fallback)', () => {
  it('gives the event loop a turn every 5 000 rows and the same result as the synchronous parse', async () => {
    const bytes = utf8Bytes(renderReuCsv(generateReuRows({ ...OPTS, count: 12_000 })));
    const progress: [string, number][] = [];
    // Something else waiting on the event loop: it gets a turn at each pause of the parse.
    let turns = 0;
    let done = false;
    const other = () => {
      turns++;
      if (!done) setImmediate(other);
    };
    setImmediate(other);
    const parsed = await parseReuExtractAsync('x.csv', bytes, (phase, d) => progress.push([phase, d]));
    done = true;
    expect(turns).toBeGreaterThanOrEqual(2);
    expect(progress.filter(([p]) => p === 'controle').map(([, d]) => d)).toEqual([5000, 10000, 12000]);
    expect(parsed).toEqual(parseReuExtract('x.csv', bytes));
  });

  it('refuses like the synchronous parse', async () => {
    const rows = generateReuRows({ ...OPTS, count: 12_000 });
    rows[7000] = { ...rows[7000], birthDate: '31/02/1950' };
    const bytes = utf8Bytes(renderReuCsv(rows));
    await expect(parseReuExtractAsync('x.csv', bytes)).rejects.toThrow('Ligne 7002 : la date de naissance est invalide (31/02/1950).');
  });
});

/** Rows of `text` from the one-pass splitter, or null when it hands the text over to Papa Parse. */
function simpleRows(text: string): string[][] | null {
  const rows: string[][] = [];
  const split = splitSimpleCsv(text, (fields, length) => {
    rows.push(fields.slice(0, length));
    return rows.length % 2 === 0 ? 'yield' : 'next';
  });
  while (split.next() === 'pause');
  return split.unsupported ? null : rows;
}

const papaRows = (text: string) => Papa.parse<string[]>(text, { delimiter: ';', skipEmptyLines: true }).data;

describe('the one-pass path for extracts as the REU writes them', () => {
  it('gives the rows Papa Parse gives, for the shapes it takes', () => {
    const texts = [
      extract.csv,
      extract.csv.replace(/\n/g, '\r\n'),
      extract.csv.trimEnd(), // no line break at the end
      '"a";"b;c";3\n\n"d";;\n"";"";\n""\nx;"y"', // separator inside quotes, empty lines, empty quoted fields, bare and trailing empty fields
      '',
      '\n\n',
    ];
    for (const text of texts) expect(simpleRows(text), JSON.stringify(text.slice(0, 40))).toEqual(papaRows(text));
  });

  it('hands over to Papa Parse whatever else it meets', () => {
    for (const text of [
      '"a""b";c\n', // escaped quote
      '"a\nb";c\n', // field spanning lines
      '"a" ;c\n', // text after the closing quote
      'a"b;c\n', // quote inside a bare field
      '"a;b\n', // quote never closed
      'a;b\r\nc;d\n', // mixed line ends
      'a;b\rc;d\r', // old Mac line ends
    ])
      expect(simpleRows(text), JSON.stringify(text)).toBeNull();
  });

  it('reads the same electors whichever path a file takes', () => {
    const rows = generateReuRows({ ...OPTS, count: 3000 });
    const csv = renderReuCsv(rows);
    // Spaces after one closing quote: Papa Parse ignores them, the one-pass path leaves the file to it.
    const other = csv.replace('"MAIRIE";', '"MAIRIE"  ;');
    expect(simpleRows(other)).toBeNull();
    expect(parseReuExtract('x.csv', utf8Bytes(other))).toEqual(parseReuExtract('x.csv', utf8Bytes(csv)));
    expect(parseReuExtract('x.csv', withBomAndCrlf(csv))).toEqual(parseReuExtract('x.csv', utf8Bytes(csv)));
  });

  it('reads a quote inside a field through Papa Parse, and refuses the same rows with the same lines', () => {
    const rows = generateReuRows({ ...OPTS, count: 3000 });
    rows[10] = { ...rows[10], lieuDit: 'LIEU-DIT "LES VIGNES"' };
    const withQuote = parseReuExtract('x.csv', utf8Bytes(renderReuCsv(rows)));
    expect(withQuote.electors[10].address.lieuDit).toBe('LIEU-DIT "LES VIGNES"');
    expect(withQuote.electors).toHaveLength(3000);
    // A refusal before the quote (one-pass path, then Papa Parse) and after it (Papa Parse) names the same line as Papa Parse alone.
    const early = rows.map((r, i) => (i === 5 ? { ...r, birthDate: '31/02/1950' } : r));
    expect(() => parseReuExtract('x.csv', utf8Bytes(renderReuCsv(early)))).toThrow(
      'Ligne 7 : la date de naissance est invalide (31/02/1950).',
    );
    const late = rows.map((r, i) => (i === 2000 ? { ...r, birthDate: '31/02/1950' } : r));
    expect(() => parseReuExtract('x.csv', utf8Bytes(renderReuCsv(late)))).toThrow(
      'Ligne 2002 : la date de naissance est invalide (31/02/1950).',
    );
  });
});

describe('parseReuDate', () => {
  it('keeps 00, accepts a bare year as uncertain, refuses impossible dates', () => {
    expect(parseReuDate('00/00/1953')).toEqual({ date: '1953-00-00', uncertain: true });
    expect(parseReuDate('1961')).toEqual({ date: '1961-00-00', uncertain: true });
    expect(parseReuDate('29/02/2000')).toEqual({ date: '2000-02-29', uncertain: false });
    expect(parseReuDate('29/02/1900')).toBeNull();
    expect(parseReuDate('31/04/1980')).toBeNull();
    expect(parseReuDate('12/13/1980')).toBeNull();
    expect(parseReuDate('1980-01-01')).toBeNull();
    expect(parseReuDate('3/7/1980')).toEqual({ date: '1980-07-03', uncertain: false });
    expect(parseReuDate(' 03/07/1980 ')).toEqual({ date: '1980-07-03', uncertain: false });
    expect(parseReuDate('03/07/1849')).toBeNull();
    expect(parseReuDate('0a/07/1980')).toBeNull();
  });
});
