/**
 * Synthetic REU extracts for tests, benchmarks and the demo. Never real
 * people: made-up combinations of common French surnames and first names,
 * drawn from a seeded PRNG so the same seed gives the same file.
 *
 * The output reproduces the traps of real extracts (reference notes §A5):
 * every field quoted except the last (numéro d'ordre), empty fields as `;;`,
 * `00` day/month, empty first names, usage name empty or equal to the birth
 * name, particles/apostrophes/hyphens/accents, homonyms with identical
 * identity, duplicated numéros d'ordre, EU electors on LCM/LCE (one person on
 * both), incomplete addresses, several bureaux.
 */
import { LIST_LABELS, REU_EXTRACT_COLUMNS, REU_HEADERS, type ReuField } from './reu-columns.js';
import type { ListType } from './types.js';

export interface SyntheticExtractOptions {
  seed: number;
  /** Number of rows (electors) in the file. */
  count: number;
  inseeCode: string;
  communeName: string;
  /** AAAA-MM-JJ; goes into the file name as the REU does. Default 2026-01-15. */
  extractDate?: string;
  /** Share of each list among generated rows (normalised). Default LP 90 %, LCM 6 %, LCE 4 %. */
  listMix?: Partial<Record<ListType, number>>;
  /** Put the hand-written trap rows first (default true). */
  traps?: boolean;
}

export type ReuRow = Record<ReuField, string>;

export interface SyntheticExtract {
  fileName: string;
  csv: string;
  electorsCount: number;
}

/** mulberry32: tiny, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = [
  'MARTIN',
  'BERNARD',
  'THOMAS',
  'PETIT',
  'ROBERT',
  'RICHARD',
  'DURAND',
  'DUBOIS',
  'MOREAU',
  'LAURENT',
  'SIMON',
  'MICHEL',
  'LEFÈVRE',
  'LEROY',
  'ROUX',
  'DAVID',
  'BERTRAND',
  'MOREL',
  'FOURNIER',
  'GIRARD',
  'BONNET',
  'DUPONT',
  'LAMBERT',
  'FONTAINE',
  'ROUSSEAU',
  'VINCENT',
  'MULLER',
  'LEFEBVRE',
  'FAURE',
  'ANDRÉ',
  'MERCIER',
  'BLANC',
  'GUÉRIN',
  'BOYER',
  'GARNIER',
  'CHEVALIER',
  'FRANÇOIS',
  'LEGRAND',
  'GAUTHIER',
  'GARCIA',
  'PERRIN',
  'ROBIN',
  'CLÉMENT',
  'MORIN',
  'NICOLAS',
  'HENRY',
  'ROUSSEL',
  'MATHIEU',
  'GAUTIER',
  'MASSON',
  'MARCHAND',
  'DUVAL',
  'DENIS',
  'DUMONT',
  'MARIE',
  'LEMAIRE',
  'NOËL',
  'MEYER',
  'DUFOUR',
  'MEUNIER',
  'BRUN',
  'BLANCHARD',
  'GIRAUD',
  'JOLY',
  'RIVIÈRE',
  'LUCAS',
  'BRUNET',
  'GAILLARD',
  'BARBIER',
  'ARNAUD',
  'MARTINEZ',
  'GÉRARD',
  'ROCHE',
  'RENARD',
  'SCHMITT',
  'ROY',
  'LEROUX',
  'COLIN',
  'VIDAL',
  'CARON',
  'PICARD',
  'ROGER',
  'FABRE',
  'AUBERT',
  'LEMOINE',
  'RENAUD',
  'DUMAS',
  'LACROIX',
  'OLIVIER',
  'PHILIPPE',
  'BOURGEOIS',
  'PIERRE',
  'BENOÎT',
  'REY',
  'LECLERC',
  'PAYET',
  'ROLLAND',
  'LEBLANC',
  'GUERIN',
  'COLLET',
  'LE GALL',
  'LE ROUX',
  'DE SOUSA',
  "D'ALMEIDA",
  'DA SILVA',
  'LE BIHAN',
  'DESCHAMPS',
  'HÉBERT',
  'CHRÉTIEN',
  'THÉRY',
];
const MALE_FIRST = [
  'Jean',
  'Pierre',
  'Michel',
  'André',
  'Philippe',
  'Alain',
  'Bernard',
  'Jacques',
  'François',
  'Daniel',
  'Christian',
  'Patrick',
  'Nicolas',
  'Frédéric',
  'Stéphane',
  'Thierry',
  'Éric',
  'Laurent',
  'Olivier',
  'Sébastien',
  'Julien',
  'Hugo',
  'Lucas',
  'Théo',
  'Noël',
  'Jérôme',
  'Loïc',
  'Gaël',
  'Benoît',
  'Rémi',
  'Jean-Pierre',
  'Jean-Marc',
  'Louis',
  'Gabriel',
  'Raphaël',
  'Léo',
  'Mathéo',
  'Émile',
  'Hervé',
  'Cédric',
];
const FEMALE_FIRST = [
  'Marie',
  'Nathalie',
  'Isabelle',
  'Sylvie',
  'Catherine',
  'Françoise',
  'Monique',
  'Christine',
  'Valérie',
  'Sandrine',
  'Hélène',
  'Céline',
  'Chloé',
  'Léa',
  'Zoé',
  'Anaïs',
  'Manon',
  'Camille',
  'Inès',
  'Jade',
  'Cécile',
  'Gaëlle',
  'Noëlle',
  'Agnès',
  'Thérèse',
  'Josiane',
  'Émilie',
  'Élodie',
  'Aurélie',
  'Mélanie',
  'Marie-Thérèse',
  'Anne-Sophie',
  'Jeanne',
  'Louise',
  'Alice',
  'Margaux',
  'Pauline',
  'Océane',
  'Maëlle',
  'Bérénice',
];
const STREETS = [
  'RUE DE LA RÉPUBLIQUE',
  'RUE DES ÉCOLES',
  'CHEMIN DU MOULIN',
  "PLACE DE L'ÉGLISE",
  'ALLÉE DES TILLEULS',
  'RUE DU GÉNÉRAL DE GAULLE',
  'IMPASSE DES CERISIERS',
  'ROUTE DE TROYES',
  'RUE JEAN JAURÈS',
  'RUE VICTOR HUGO',
  'AVENUE DE LA GARE',
  'RUE DU CHÂTEAU',
  'GRANDE RUE',
  'RUE DES VIGNES',
  'CHEMIN DE LA CÔTE',
  'RUE PASTEUR',
  'RUE DES FONTAINES',
  'PLACE DU MARCHÉ',
  'RUE DE LA PAIX',
  'RUE SAINT-MARTIN',
];
const BIRTH_PLACES: { code: string; label: string; dep: string }[] = [
  { code: '10387', label: 'TROYES', dep: '10' },
  { code: '75056', label: 'PARIS', dep: '75' },
  { code: '51454', label: 'REIMS', dep: '51' },
  { code: '69123', label: 'LYON', dep: '69' },
  { code: '21231', label: 'DIJON', dep: '21' },
  { code: '89024', label: 'AUXERRE', dep: '89' },
  { code: '10033', label: 'BAR-SUR-AUBE', dep: '10' },
  { code: '52448', label: 'SAINT-DIZIER', dep: '52' },
];
const EU: { code: string; country: string; city: string }[] = [
  { code: 'BE', country: 'BELGIQUE', city: 'LIÈGE' },
  { code: 'DE', country: 'ALLEMAGNE', city: 'KÖLN' },
  { code: 'ES', country: 'ESPAGNE', city: 'MÁLAGA' },
  { code: 'IT', country: 'ITALIE', city: 'TORINO' },
  { code: 'PT', country: 'PORTUGAL', city: 'BRAGA' },
  { code: 'NL', country: 'PAYS-BAS', city: 'UTRECHT' },
  { code: 'PL', country: 'POLOGNE', city: 'KRAKÓW' },
  { code: 'RO', country: 'ROUMANIE', city: 'CLUJ' },
];

type Person = {
  listType: ListType;
  birthName: string;
  usageName: string;
  firstNames: string;
  sex: 'M' | 'F';
  birthDate: string; // JJ/MM/AAAA as written in the file
  nationality: string;
  birth: { code: string; label: string; dep: string; country: string };
  address: { number: string; street: string; lieuDit: string; complement1: string };
  /** No bureau-level data at all (trap: incomplete rows keep the bureau but lose canton and numéro). */
  incomplete?: boolean;
  /** Reuse the numéro d'ordre of the previous row of the same bureau (trap). */
  duplicateNumero?: boolean;
};

const FR_BIRTH = (i: number) => ({ ...BIRTH_PLACES[i % BIRTH_PLACES.length], country: 'FRANCE' });
const ABROAD = (eu: (typeof EU)[number]) => ({ code: '', label: eu.city, dep: '99', country: eu.country });
const street = (n: string, s: string) => ({ number: n, street: s, lieuDit: '', complement1: '' });

/** Hand-written rows reproducing each trap of real extracts (all made up). */
function trapPeople(): Person[] {
  const be = EU[0],
    de = EU[1],
    es = EU[2],
    nl = EU[5];
  const ie = { code: 'IE', country: 'IRLANDE', city: 'CORK' };
  const p = (x: Partial<Person> & Pick<Person, 'birthName' | 'firstNames' | 'birthDate'>): Person => ({
    listType: 'LP',
    usageName: '',
    sex: 'M',
    nationality: 'FR',
    birth: FR_BIRTH(0),
    address: street('3', 'RUE DES ÉCOLES'),
    ...x,
  });
  return [
    p({ birthName: "D'ARTAGNAN", firstNames: 'Charles Ogier', birthDate: '00/00/1943' }),
    p({ birthName: 'LE GOFF', usageName: 'LE GOFF', firstNames: 'Yann', birthDate: '00/05/1944', birth: FR_BIRTH(1) }),
    p({ birthName: 'DE LA FONTAINE', usageName: 'MARTIN', firstNames: 'Jeanne Hélène', sex: 'F', birthDate: '14/07/1951' }),
    // Homonyms: identical identity and address; never to be merged.
    p({ birthName: 'BERNARD', firstNames: 'Jean Pierre', birthDate: '12/03/1950', address: street('12', 'RUE DU CHÂTEAU') }),
    p({ birthName: 'BERNARD', firstNames: 'Jean Pierre', birthDate: '12/03/1950', address: street('12', 'RUE DU CHÂTEAU') }),
    // Father and son: only the birth date differs.
    p({ birthName: 'BERNARD', firstNames: 'Jean Pierre', birthDate: '02/09/1976', address: street('12', 'RUE DU CHÂTEAU') }),
    p({
      birthName: 'NGUYEN',
      firstNames: '',
      sex: 'F',
      birthDate: '01/01/1948',
      birth: { code: '', label: 'HANOÏ', dep: '99', country: 'VIÊT NAM' },
    }),
    p({ birthName: 'MARTIN-DUPONT', usageName: 'LEFÈVRE', firstNames: 'Marie-Thérèse Agnès', sex: 'F', birthDate: '30/11/1962' }),
    p({ birthName: 'THÉRY', firstNames: 'Hélène Noëlle Zoé Anaïs', sex: 'F', birthDate: '29/02/1964' }),
    p({
      birthName: 'DURAND',
      firstNames: 'Paul',
      birthDate: '05/06/1980',
      address: { number: '', street: '', lieuDit: 'LES GRANDS CHAMPS', complement1: '' },
      incomplete: true,
    }),
    p({ birthName: 'ROUX', firstNames: 'Émile', birthDate: '17/10/1990' }),
    p({ birthName: 'PETIT', firstNames: 'Louis', birthDate: '21/04/1991', duplicateNumero: true }),
    // EU electors: one person on both complementary lists, others on one only.
    p({
      listType: 'LCM',
      birthName: "O'NEILL",
      firstNames: 'Siobhan',
      sex: 'F',
      birthDate: '08/08/1985',
      nationality: ie.code,
      birth: ABROAD(ie),
    }),
    p({
      listType: 'LCE',
      birthName: "O'NEILL",
      firstNames: 'Siobhan',
      sex: 'F',
      birthDate: '08/08/1985',
      nationality: ie.code,
      birth: ABROAD(ie),
    }),
    p({
      listType: 'LCE',
      birthName: 'SCHÖNBERGER',
      firstNames: 'Jürgen',
      birthDate: '23/01/1970',
      nationality: de.code,
      birth: ABROAD(de),
    }),
    p({
      listType: 'LCM',
      birthName: 'GARCÍA LÓPEZ',
      firstNames: 'María José',
      sex: 'F',
      birthDate: '11/12/1979',
      nationality: es.code,
      birth: ABROAD(es),
    }),
    p({
      listType: 'LCM',
      birthName: 'VAN DER BERG',
      firstNames: 'Anouk',
      sex: 'F',
      birthDate: '03/03/1988',
      nationality: nl.code,
      birth: ABROAD(nl),
    }),
    p({
      listType: 'LCE',
      birthName: 'DUBOIS',
      usageName: '',
      firstNames: 'Luc',
      birthDate: '19/05/1975',
      nationality: be.code,
      birth: ABROAD(be),
    }),
  ];
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function randomPerson(rnd: () => number, listType: ListType, extractYear: number): Person {
  const sex: 'M' | 'F' = rnd() < 0.52 ? 'F' : 'M';
  const names = sex === 'F' ? FEMALE_FIRST : MALE_FIRST;
  const nFirst = rnd() < 0.45 ? 1 : rnd() < 0.8 ? 2 : 3;
  const first: string[] = [];
  while (first.length < nFirst) {
    const n = pick(rnd, names);
    if (!first.includes(n)) first.push(n);
  }
  const birthName = pick(rnd, SURNAMES);
  const r = rnd();
  const usageName = sex === 'F' && r < 0.4 ? pick(rnd, SURNAMES) : r > 0.96 ? birthName : '';
  const year = extractYear - 18 - Math.floor(rnd() * 78);
  const month = 1 + Math.floor(rnd() * 12);
  const day = 1 + Math.floor(rnd() * 28);
  const unknown = rnd();
  const birthDate = unknown < 0.0005 ? `00/00/${year}` : unknown < 0.001 ? `00/${pad(month)}/${year}` : `${pad(day)}/${pad(month)}/${year}`;
  const eu = listType === 'LP' ? null : pick(rnd, EU);
  const streetName = pick(rnd, STREETS);
  return {
    listType,
    birthName,
    usageName,
    firstNames: first.join(' '),
    sex,
    birthDate,
    nationality: eu ? eu.code : 'FR',
    birth: eu ? ABROAD(eu) : FR_BIRTH(Math.floor(rnd() * BIRTH_PLACES.length)),
    address: {
      number: rnd() < 0.9 ? String(1 + Math.floor(rnd() * 120)) : '',
      street: streetName,
      lieuDit: '',
      complement1: rnd() < 0.05 ? `APPARTEMENT ${1 + Math.floor(rnd() * 20)}` : '',
    },
  };
}

function bureauOf(p: Person, bureaux: number): number {
  if (p.address.street === '') return 1;
  let h = 0;
  for (const c of p.address.street) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 1 + (h % bureaux);
}

/** Rows of a synthetic extract, in file order (tests edit them to make a second extract). */
export function generateReuRows(opts: SyntheticExtractOptions): ReuRow[] {
  const rnd = seededRandom(opts.seed);
  const extractYear = Number((opts.extractDate ?? '2026-01-15').slice(0, 4));
  const mix = opts.listMix ? { LP: 0, LCM: 0, LCE: 0, ...opts.listMix } : { LP: 0.9, LCM: 0.06, LCE: 0.04 };
  const types = (['LP', 'LCM', 'LCE'] as const).filter((t) => (mix[t] ?? 0) > 0);
  const totalWeight = types.reduce((s, t) => s + mix[t], 0);
  const people: Person[] = opts.traps === false ? [] : trapPeople().filter((p) => types.includes(p.listType as never));
  people.length = Math.min(people.length, opts.count);
  while (people.length < opts.count) {
    let x = rnd() * totalWeight;
    let type: ListType = types[types.length - 1];
    for (const t of types) {
      x -= mix[t];
      if (x < 0) {
        type = t;
        break;
      }
    }
    const person = randomPerson(rnd, type, extractYear);
    people.push(person);
    // A third of EU electors on the municipal list are also on the European one.
    if (type === 'LCM' && types.includes('LCE') && rnd() < 0.33 && people.length < opts.count) people.push({ ...person, listType: 'LCE' });
  }

  const bureaux = Math.max(1, Math.min(12, Math.ceil(opts.count / 800)));
  const nextNumero = new Map<number, number>();
  const postalCode = /^\d\d/.test(opts.inseeCode) ? `${opts.inseeCode.slice(0, 2)}000` : '20000';
  const commune = opts.communeName.toUpperCase();
  return people.map((p) => {
    const b = bureauOf(p, bureaux);
    const last = nextNumero.get(b) ?? 0;
    const numero = p.duplicateNumero && last > 0 ? last : last + 1;
    nextNumero.set(b, numero);
    const row: ReuRow = {
      ugleCode: opts.inseeCode,
      ugleLabel: commune,
      listLabel: LIST_LABELS[p.listType],
      birthName: p.birthName,
      usageName: p.usageName,
      firstNames: p.firstNames,
      sex: p.sex,
      birthDate: p.birthDate,
      birthCommuneCode: p.birth.code,
      birthCommuneLabel: p.birth.label,
      birthDepartementCode: p.birth.dep,
      birthCountry: p.birth.country,
      nationalityCode: p.nationality,
      nationalityLabel: '',
      streetNumber: p.address.number,
      streetLabel: p.address.street,
      complement1: p.address.complement1,
      complement2: '',
      lieuDit: p.address.lieuDit,
      postalCode,
      city: commune,
      country: 'FRANCE',
      bureauCode: pad(b, 4),
      bureauLabel: b === 1 ? 'MAIRIE' : `ÉCOLE ${b}`,
      circonscriptionCode: '01',
      cantonCode: p.incomplete ? '' : `${opts.inseeCode.slice(0, 2)}01`,
      cantonLabel: p.incomplete ? '' : 'CANTON 1',
      numeroOrdre: p.incomplete ? '' : String(numero),
      ine: '',
    };
    return row;
  });
}

const quote = (v: string) => (v === '' ? '' : `"${v.replace(/"/g, '""')}"`);

/** The CSV text as the REU writes it: `;`, LF, no BOM, every field quoted except the last, empty fields bare. */
export function renderReuCsv(rows: readonly ReuRow[], columns: readonly ReuField[] = REU_EXTRACT_COLUMNS): string {
  const lastIndex = columns.length - 1;
  const line = (values: string[]) => values.map((v, i) => (i === lastIndex ? v : quote(v))).join(';');
  const out = [line(columns.map((c) => REU_HEADERS[c][0]))];
  for (const r of rows) out.push(line(columns.map((c) => r[c])));
  return `${out.join('\n')}\n`;
}

export function syntheticFileName(opts: Pick<SyntheticExtractOptions, 'inseeCode' | 'extractDate' | 'listMix'>): string {
  const [y, m, d] = (opts.extractDate ?? '2026-01-15').split('-');
  const mix = opts.listMix;
  const only = mix ? (['LP', 'LCM', 'LCE'] as const).filter((t) => (mix[t] ?? 0) > 0) : [];
  const kind = only.length === 1 ? only[0] : 'electeurs_actifs';
  return `com${opts.inseeCode}_${kind}_${d}-${m}-${y}.csv`;
}

export function generateReuExtract(opts: SyntheticExtractOptions): SyntheticExtract {
  const rows = generateReuRows(opts);
  return { fileName: syntheticFileName(opts), csv: renderReuCsv(rows), electorsCount: rows.length };
}
