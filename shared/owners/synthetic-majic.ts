import { seededRandom } from '../electoral/synthetic.js';
import { MAJIC_LAYOUTS, type MajicFile, type MajicVintage, TOPO_HEADER } from './majic-layout.js';
import { recordLength, writeLine } from './fixed-width.js';

/**
 * Synthetic MAJIC for tests and the demo: deterministic for a seed, never
 * real people (names drawn from short lists of common words, dates and
 * places at random). It carries the traps real files have: indivisions
 * (several owners of one compte communal, with usufruit / nue-propriété),
 * legal persons in the `+` (public bodies) and `*` (private bodies) series
 * with a SIREN, usage names that differ from birth names, missing birth
 * data, one public body (the commune) under several `dnuper`, a copropriété
 * (PDL with lots linked to locals) and accented names (latin-1 on disk).
 */
export interface MajicGenerateOptions {
  insee: string;
  communeName: string;
  seed?: number;
  /** Comptes of natural persons (the traps come on top). */
  comptes?: number;
  millesime?: MajicVintage;
  /**
   * Parcel ids (14 characters) of the commune's plan to give the comptes,
   * drawn without replacement, so that owners' parcels open in the cadastre
   * (the demo). Without it, parcels are numbered per section at random.
   */
  parcels?: readonly string[];
}

/** File name → content (Unicode; written as latin-1 by the CLI, as the DGFiP delivers it). */
export type MajicFiles = Record<string, string>;

export interface SyntheticMajic {
  files: MajicFiles;
  /** Where the traps are, for tests: compte ids (12 characters) and person numbers. */
  traps: {
    indivision: string;
    usufruit: string;
    publicBody: { name: string; comptes: string[]; dnupers: string[] };
    privateBody: { compte: string; siren: string };
    usageName: { dnuper: string; birthName: string; usageName: string };
    missingBirth: string;
    copropriete: { parcelId: string; lots: number };
  };
}

export const MAJIC_FILE_NAMES: Record<MajicFile | 'TOPO', string> = {
  PROP: 'REVPROP.txt',
  NBAT: 'REVNBAT.txt',
  BATI: 'REVBATI.txt',
  PDL: 'REVFPDL.txt',
  LLOC: 'REVD166.txt',
  TOPO: 'TOPO.csv',
};

const SURNAMES = [
  'MARCHAND',
  'LEFÈVRE',
  'BÉNARD',
  'FONTAINE',
  'CHEVALIER',
  'ROUSSEL',
  'GARNIER',
  'COLLET',
  'PERRIN',
  'BRUNET',
  'MOULIN',
  'CHÂTEL',
  'VASSEUR',
  'RENAUD',
  'NOËL',
  'BARON',
  'CARON',
  'GUÉRIN',
  'LEMAIRE',
  'TISSIER',
];
const MEN = ['JEAN', 'PAUL', 'LUC', 'HENRI', 'MARC', 'RÉMI', 'LOUIS', 'GILLES', 'YVES', 'HUGO'];
const WOMEN = ['ANNE', 'MARIE', 'HÉLÈNE', 'CLAIRE', 'SOPHIE', 'ODILE', 'JULIE', 'MAËLLE', 'LUCIE', 'NADINE'];
const PLACES = ['TROYES', 'PARIS 15E', 'REIMS', 'DIJON', 'AUXERRE', 'CHAUMONT', 'LANGRES', 'SENS'];
const STREETS = [
  'RUE DE LA GARE',
  'GRANDE RUE',
  'RUE DU PONT',
  "PLACE DE L'ÉGLISE",
  'CHEMIN DES VIGNES',
  'ROUTE DE TROYES',
  'RUE DES ÉCOLES',
  'ALLÉE DES TILLEULS',
];
const LIEUX_DITS = ['LES CHAMPS MOREAU', 'LA CÔTE', 'LE BOIS BRÛLÉ', 'LES ÉPINETTES', 'VAL DE SEINE'];
const SECTIONS = ['AB', 'AC', 'AD', 'ZA', 'ZB', 'ZC'];
const NATURES = ['T', 'P', 'B', 'L', 'J', 'VI'];

interface Person {
  dnuper: string;
  legal: boolean;
  title: string;
  birthName: string;
  birthFirst: string;
  usageName: string;
  usageFirst: string;
  birthDate: string;
  birthPlace: string;
  siren: string;
  legalForm: string;
  designation: string;
  address: [string, string, string, string];
}

interface Holding {
  dnupro: string;
  owners: { person: Person; right: string; dismemberment: string }[];
}

export function generateMajic(opts: MajicGenerateOptions): SyntheticMajic {
  const rnd = seededRandom(opts.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const vintage = opts.millesime ?? 2026;
  const layout = MAJIC_LAYOUTS[vintage];
  const ccodep = opts.insee.slice(0, 2);
  const ccocom = opts.insee.slice(2, 5);
  const ccodir = '0';
  const head = { ccodep, ccodir, ccocom };
  let personSeq = 0;
  const dnuperOf = () => `P${String(++personSeq).padStart(5, '0')}`;
  const addressOf = (): Person['address'] => [
    '',
    `${String(int(1, 60)).padStart(4, '0')}  ${pick(STREETS)}`,
    '',
    `${opts.insee} ${opts.communeName}`,
  ];

  function naturalPerson(opts2: { married?: boolean; missingBirth?: boolean } = {}): Person {
    const woman = opts2.married ?? rnd() < 0.5;
    const birthName = pick(SURNAMES);
    const first = woman ? `${pick(WOMEN)} ${pick(WOMEN)}` : `${pick(MEN)} ${pick(MEN)}`;
    const usageName = opts2.married ? (SURNAMES.find((n) => n !== birthName && rnd() < 0.5) ?? SURNAMES[0]!) : birthName;
    const missing = opts2.missingBirth === true;
    const day = `${String(int(1, 28)).padStart(2, '0')}/${String(int(1, 12)).padStart(2, '0')}/${int(1935, 2000)}`;
    return {
      dnuper: dnuperOf(),
      legal: false,
      title: woman ? 'MME' : 'M',
      birthName,
      birthFirst: first,
      usageName,
      usageFirst: first,
      birthDate: missing ? '' : day,
      birthPlace: missing ? '' : `${int(10, 89)} ${pick(PLACES)}`,
      siren: '',
      legalForm: '',
      designation: `${usageName}/${first}`,
      address: addressOf(),
    };
  }

  function legalPerson(name: string, siren: string, legalForm: string): Person {
    return {
      dnuper: dnuperOf(),
      legal: true,
      title: '',
      birthName: '',
      birthFirst: '',
      usageName: '',
      usageFirst: '',
      birthDate: '',
      birthPlace: '',
      siren,
      legalForm,
      designation: name,
      address: ['', `${String(int(1, 20)).padStart(4, '0')}  ${pick(STREETS)}`, '', `${opts.insee} ${opts.communeName}`],
    };
  }

  const holdings: Holding[] = [];
  const single = (person: Person, dnupro: string) => holdings.push({ dnupro, owners: [{ person, right: 'P', dismemberment: '' }] });
  const natural = opts.comptes ?? 40;
  for (let i = 1; i <= natural; i++) single(naturalPerson(), String(i).padStart(6, '0'));

  // Traps.
  const married = naturalPerson({ married: true });
  single(married, String(natural + 1).padStart(6, '0'));
  const noBirth = naturalPerson({ missingBirth: true });
  single(noBirth, String(natural + 2).padStart(6, '0'));
  const indivision = String(natural + 3).padStart(6, '0');
  holdings.push({
    dnupro: indivision,
    owners: [naturalPerson(), naturalPerson(), naturalPerson()].map((person) => ({ person, right: 'P', dismemberment: 'I' })),
  });
  const usufruit = String(natural + 4).padStart(6, '0');
  holdings.push({
    dnupro: usufruit,
    owners: [
      { person: naturalPerson(), right: 'U', dismemberment: '' },
      { person: naturalPerson(), right: 'N', dismemberment: '' },
    ],
  });
  const communeBody = `COMMUNE DE ${opts.communeName}`;
  const communeSiren = `21${opts.insee.slice(0, 2)}${opts.insee.slice(2)}00`.slice(0, 9);
  const communeA = legalPerson(communeBody, communeSiren, '7210');
  const communeB = legalPerson(communeBody, communeSiren, '7210');
  single(communeA, '+00001');
  single(communeB, '+00002');
  single(legalPerson("DEPARTEMENT DE L'AUBE", '221000014', '7220'), '+00003');
  const sciSiren = String(int(300_000_000, 899_999_999));
  single(legalPerson('SCI LES TILLEULS', sciSiren, '6540'), '*00001');
  const syndic = legalPerson('SYNDICAT DES COPROPRIETAIRES RESIDENCE DU PONT', '', '9110');
  single(syndic, '*00002');

  const id = (dnupro: string) => `${ccodep}${ccodir}${ccocom}${dnupro}`;
  const out: Record<MajicFile, string[]> = { PROP: [], NBAT: [], BATI: [], PDL: [], LLOC: [] };
  const len = (f: MajicFile) => recordLength(layout, f);
  const headers = (f: MajicFile) => {
    const depHeader = `${`${ccodep}${ccodir}`.padEnd(14, ' ') + 'AUBE'.padEnd(30, ' ')}D40405${String(vintage)}`;
    const comHeader = `${ccodep}${ccodir}${ccocom}`.padEnd(16, ' ') + opts.communeName;
    out[f].push(depHeader, comHeader);
  };
  for (const f of Object.keys(out) as MajicFile[]) headers(f);

  for (const h of holdings) {
    h.owners.forEach(({ person: p, right, dismemberment }, i) => {
      out.PROP.push(
        writeLine(
          layout.PROP.owner,
          {
            ...head,
            dnupro: h.dnupro,
            dnulp: String(i + 1).padStart(2, '0'),
            dnuper: p.dnuper,
            ccodro: right,
            ccodem: dismemberment,
            gtoper: p.legal ? '2' : '1',
            ccoqua: p.legal ? '' : p.title === 'M' ? '1' : '2',
            ddenom: p.designation,
            dlign3: p.address[0],
            dlign4: p.address[1],
            dlign5: p.address[2],
            dlign6: p.address[3],
            ccopay: 'FRA',
            dqualp: p.title,
            dnomlp: p.birthName,
            dprnlp: p.birthFirst,
            jdatnss: p.legal ? '' : p.birthDate === '' ? '00/00/0000' : p.birthDate,
            dldnss: p.birthPlace,
            dsiren: p.siren,
            dformjur: p.legalForm,
            dnomus: p.usageName,
            dprnus: p.usageFirst,
          },
          len('PROP'),
        ),
      );
    });
  }

  // Parcels: a few per compte, numbered per section.
  const nextNumero = new Map<string, number>();
  const pool = opts.parcels ? [...opts.parcels].filter((p) => p.startsWith(opts.insee)) : null;
  const parcelKey = (section: string) => {
    if (pool && pool.length > 0) {
      const id = pool.splice(Math.floor(rnd() * pool.length), 1)[0]!;
      return { ...head, ccopre: id.slice(5, 8), ccosec: id.slice(8, 10), dnupla: id.slice(10, 14) };
    }
    const n = (nextNumero.get(section) ?? 0) + int(1, 4);
    nextNumero.set(section, n);
    return { ...head, ccopre: '000', ccosec: section, dnupla: String(n).padStart(4, '0') };
  };
  const streetCodes = new Map<string, string>(STREETS.map((s, i) => [s, String(1000 + i * 10).padStart(4, '0')]));
  let invarSeq = 0;
  const built: { key: ReturnType<typeof parcelKey>; invar: string }[] = [];

  for (const h of holdings) {
    if (h.dnupro === '*00002') continue; // the syndicat holds the copropriété below, not parcels
    const count = h.dnupro.startsWith('+') ? int(3, 6) : int(1, 4);
    for (let k = 0; k < count; k++) {
      const key = parcelKey(pick(SECTIONS));
      const inTown = key.ccosec.startsWith('A');
      const street = pick(STREETS);
      const area = inTown ? int(150, 2500) : int(2000, 60_000);
      out.NBAT.push(
        writeLine(
          layout.NBAT.parcelle,
          {
            ...key,
            dcntpa: String(area).padStart(9, '0'),
            dnupro: h.dnupro,
            jdatat: `${String(int(1, 28)).padStart(2, '0')}${String(int(1, 12)).padStart(2, '0')}${int(1970, 2025)}`,
            dnvoiri: inTown ? String(int(1, 80)).padStart(4, '0') : '',
            ccoriv: inTown ? streetCodes.get(street)! : '',
            dvoilib: inTown ? street : pick(LIEUX_DITS),
          },
          len('NBAT'),
        ),
      );
      const subs = inTown ? [' '] : rnd() < 0.3 ? ['a', 'b'] : [' '];
      subs.forEach((sub, si) => {
        const subArea = subs.length === 1 ? area : si === 0 ? Math.floor(area / 2) : area - Math.floor(area / 2);
        const exempt = !inTown && rnd() < 0.25;
        out.NBAT.push(
          writeLine(
            layout.NBAT.suf,
            {
              ...key,
              ccosub: sub,
              dcntsf: String(subArea).padStart(9, '0'),
              dnupro: h.dnupro,
              gnexps: exempt ? 'TA' : '',
              drcsub: String(Math.round(subArea * (inTown ? 0.9 : 0.04) * 100)).padStart(10, '0'),
              dsgrpf: inTown ? 'S' : pick(NATURES),
              dclssf: String(int(1, 4)).padStart(2, '0'),
            },
            len('NBAT'),
          ),
        );
        if (exempt)
          out.NBAT.push(
            writeLine(
              layout.NBAT.exoneration,
              { ...key, ccosub: sub, rnuexn: '01', ccolloc: 'C', pexn: '02000', gnexts: 'TA', jandeb: '2021', jfinex: '2030' },
              len('NBAT'),
            ),
          );
      });
      if (inTown && rnd() < 0.6) {
        const invar = String(++invarSeq).padStart(10, '0');
        built.push({ key, invar });
        pushLocal(key, invar, h.dnupro, street);
      }
    }
  }

  function pushLocal(key: ReturnType<typeof parcelKey>, invar: string, dnupro: string, street: string, pdl = false) {
    out.BATI.push(
      writeLine(
        layout.BATI.local00,
        {
          ccodep,
          ccodir,
          ccocom,
          invar,
          ccopre: key.ccopre,
          ccosec: key.ccosec,
          dnupla: key.dnupla,
          dnubat: 'A',
          descr: '01',
          dniv: '00',
          dpor: '01001',
          ccoriv: streetCodes.get(street) ?? '',
          dnvoiri: String(int(1, 80)).padStart(4, '0'),
          dvoilib: street,
        },
        len('BATI'),
      ),
    );
    out.BATI.push(
      writeLine(
        layout.BATI.local10,
        {
          ccodep,
          ccodir,
          ccocom,
          invar,
          gpdl: pdl ? '1' : '0',
          dnupro,
          jdatat: '01012015',
          dteloc: pdl ? '2' : '1',
          cconlc: pdl ? 'AP' : 'MA',
          dvltrt: String(int(900, 4800)).padStart(9, '0'),
          jannat: String(int(1880, 2020)),
        },
        len('BATI'),
      ),
    );
    out.BATI.push(
      writeLine(
        layout.BATI.pev,
        { ccodep, ccodir, ccocom, invar, dnupev: '001', ccoaff: 'H', dvlpera: String(int(900, 4800)).padStart(9, '0') },
        len('BATI'),
      ),
    );
    if (rnd() < 0.3)
      out.BATI.push(
        writeLine(
          layout.BATI.exoneration,
          {
            ccodep,
            ccodir,
            ccocom,
            invar,
            janbil: '2026',
            dnupev: '001',
            dnuexb: '001',
            ccolloc: 'C',
            pexb: '10000',
            gnextl: 'NO',
            jandeb: '2024',
            janimp: '2026',
          },
          len('BATI'),
        ),
      );
  }

  // A copropriété: one parcel held by the syndicat as a PDL, three lots each linked to a flat.
  const coproKey = parcelKey('AB');
  out.NBAT.push(
    writeLine(
      layout.NBAT.parcelle,
      {
        ...coproKey,
        dcntpa: '000000850',
        dnupro: '*00002',
        jdatat: '01011990',
        dnvoiri: '0012',
        ccoriv: streetCodes.get('RUE DU PONT')!,
        dvoilib: 'RUE DU PONT',
      },
      len('NBAT'),
    ),
  );
  out.NBAT.push(
    writeLine(
      layout.NBAT.suf,
      { ...coproKey, ccosub: ' ', dcntsf: '000000850', dnupro: '*00002', drcsub: '0000076500', dsgrpf: 'S', dclssf: '01' },
      len('NBAT'),
    ),
  );
  out.PDL.push(writeLine(layout.PDL.pdl, { ...coproKey, dnupdl: '001', ctpdl: 'CL', dnupro: '*00002' }, len('PDL')));
  const lotOwners = holdings.filter((h) => /^0/.test(h.dnupro)).slice(0, 3);
  lotOwners.forEach((h, i) => {
    const dnulot = String(i + 1).padStart(7, '0');
    const invar = String(++invarSeq).padStart(10, '0');
    out.PDL.push(
      writeLine(
        layout.PDL.lot,
        {
          ...coproKey,
          dnupdl: '001',
          dnulot,
          dcntlo: '000000000',
          dnumql: String(300 + i * 50).padStart(7, '0'),
          ddenql: '0001000',
          dnuprol: h.dnupro,
        },
        len('PDL'),
      ),
    );
    out.LLOC.push(
      writeLine(
        layout.LLOC.lotlocal,
        {
          ...coproKey,
          dnupdl: '001',
          dnulot,
          ccodebpb: ccodep,
          ccodird: ccodir,
          ccocomb: ccocom,
          invloc: invar,
          dnumql: String(300 + i * 50).padStart(7, '0'),
          ddenql: '0001000',
        },
        len('LLOC'),
      ),
    );
    pushLocal(coproKey, invar, h.dnupro, 'RUE DU PONT', true);
  });

  const topo = [
    TOPO_HEADER,
    `99100${ccodep === '10' ? '44' : '00'}${opts.insee}    13;${opts.communeName};N;N;3;3;;;00000000;18750101;;;00000000`,
    ...STREETS.map(
      (s) =>
        `99100${ccodep === '10' ? '44' : '00'}${opts.insee}${streetCodes.get(s)}14;${s};;;;;0;;00000000;19870101;1;${s.split(' ').pop()};00000000`,
    ),
  ];
  const files: MajicFiles = {};
  for (const f of Object.keys(out) as MajicFile[]) files[MAJIC_FILE_NAMES[f]] = `${out[f].join('\n')}\n`;
  files[MAJIC_FILE_NAMES.TOPO] = `${topo.join('\n')}\n`;

  return {
    files,
    traps: {
      indivision: id(indivision),
      usufruit: id(usufruit),
      publicBody: { name: communeBody, comptes: [id('+00001'), id('+00002')], dnupers: [communeA.dnuper, communeB.dnuper] },
      privateBody: { compte: id('*00001'), siren: sciSiren },
      usageName: { dnuper: married.dnuper, birthName: married.birthName, usageName: married.usageName },
      missingBirth: noBirth.dnuper,
      copropriete: { parcelId: `${opts.insee}000AB${coproKey.dnupla}`, lots: lotOwners.length },
    },
  };
}
