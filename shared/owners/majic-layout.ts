/**
 * Where each field sits in the DGFiP's MAJIC fixed-width files, per vintage
 * (millésime). Positions are 1-based (start, length) as in the formatting SQL
 * of the 3liz QGIS Cadastre plugin (`cadastre/scripts/plugin/2026/
 * majic3_formatage_donnees.sql`), which reads `SUBSTRING(tmp, start, length)`.
 * Only the fields the town hall's relevé de propriété needs are listed; the
 * generator writes them and the parser reads them from the same table, so the
 * two cannot drift. A vintage not listed here is refused.
 */
export type MajicFile = 'PROP' | 'NBAT' | 'BATI' | 'PDL' | 'LLOC';

/** [start (1-based), length]. */
export type FieldPos = readonly [number, number];

export interface RecordLayout {
  /** Where the record type sits, and its value (`10`, `21`…); null: one record type (PROP, LLOC). */
  type: { pos: FieldPos; value: string } | null;
  fields: Readonly<Record<string, FieldPos>>;
}

/** The 15-character MAJIC parcel key at the start of NBAT, PDL and LLOC lines. */
const PARCEL_KEY = {
  ccodep: [1, 2],
  ccodir: [3, 1],
  ccocom: [4, 3],
  ccopre: [7, 3],
  ccosec: [10, 2],
  dnupla: [12, 4],
} as const satisfies Record<string, FieldPos>;

/** The local's key at the start of BATI lines: département, direction, commune, invariant. */
const LOCAL_KEY = { ccodep: [1, 2], ccodir: [3, 1], ccocom: [4, 3], invar: [7, 10] } as const satisfies Record<string, FieldPos>;

const LAYOUT_2026 = {
  PROP: {
    owner: {
      type: null,
      fields: {
        ccodep: [1, 2],
        ccodir: [3, 1],
        ccocom: [4, 3],
        dnupro: [7, 6],
        dnulp: [13, 2],
        dnuper: [19, 6],
        ccodro: [25, 1],
        ccodem: [26, 1],
        gtoper: [28, 1],
        ccoqua: [29, 1],
        ccogrm: [38, 2],
        dsglpm: [40, 10],
        ddenom: [57, 60],
        dlign3: [121, 30],
        dlign4: [151, 36],
        dlign5: [187, 30],
        dlign6: [217, 32],
        ccopay: [249, 3],
        dqualp: [287, 3],
        dnomlp: [290, 30],
        dprnlp: [320, 15],
        jdatnss: [335, 10],
        dldnss: [345, 58],
        dsiren: [467, 9],
        dformjur: [534, 4],
        dnomus: [538, 60],
        dprnus: [598, 40],
      },
    },
  },
  NBAT: {
    parcelle: {
      type: { pos: [20, 2], value: '10' },
      fields: {
        ...PARCEL_KEY,
        dcntpa: [22, 9],
        dnupro: [32, 6],
        jdatat: [38, 8],
        dnvoiri: [86, 4],
        dindic: [90, 1],
        ccoriv: [96, 4],
        dvoilib: [140, 26],
      },
    },
    suf: {
      type: { pos: [20, 2], value: '21' },
      fields: {
        ...PARCEL_KEY,
        ccosub: [16, 2],
        dcntsf: [22, 9],
        dnupro: [31, 6],
        gnexps: [37, 2],
        drcsub: [39, 10],
        dsgrpf: [62, 2],
        dclssf: [64, 2],
      },
    },
    exoneration: {
      type: { pos: [20, 2], value: '30' },
      fields: {
        ...PARCEL_KEY,
        ccosub: [16, 2],
        rnuexn: [18, 2],
        ccolloc: [32, 2],
        pexn: [34, 5],
        gnexts: [39, 2],
        jandeb: [41, 4],
        jfinex: [45, 4],
      },
    },
  },
  BATI: {
    local00: {
      type: { pos: [31, 2], value: '00' },
      fields: {
        ...LOCAL_KEY,
        ccopre: [36, 3],
        ccosec: [39, 2],
        dnupla: [41, 4],
        dnubat: [46, 2],
        descr: [48, 2],
        dniv: [50, 2],
        dpor: [52, 5],
        ccoriv: [57, 4],
        dnvoiri: [67, 4],
        dindic: [71, 1],
        dvoilib: [76, 30],
      },
    },
    local10: {
      type: { pos: [31, 2], value: '10' },
      fields: {
        ...LOCAL_KEY,
        gpdl: [36, 1],
        dnupro: [38, 6],
        jdatat: [44, 8],
        dteloc: [60, 1],
        cconlc: [67, 2],
        dvltrt: [69, 9],
        jannat: [109, 4],
      },
    },
    pev: {
      type: { pos: [31, 2], value: '21' },
      fields: { ...LOCAL_KEY, dnupev: [28, 3], ccoaff: [36, 1], dvlpera: [70, 9], gnexpl: [79, 2] },
    },
    exoneration: {
      type: { pos: [31, 2], value: '30' },
      fields: {
        ...LOCAL_KEY,
        janbil: [24, 4],
        dnupev: [28, 3],
        dnuexb: [33, 3],
        ccolloc: [36, 2],
        pexb: [38, 5],
        gnextl: [43, 2],
        jandeb: [45, 4],
        janimp: [49, 4],
      },
    },
  },
  PDL: {
    pdl: { type: { pos: [26, 2], value: '10' }, fields: { ...PARCEL_KEY, dnupdl: [16, 3], ctpdl: [29, 3], dnupro: [83, 6] } },
    composante: {
      type: { pos: [26, 2], value: '20' },
      fields: { ...PARCEL_KEY, dnupdl: [16, 3], ccoprea: [28, 3], ccoseca: [31, 2], dnuplaa: [33, 4] },
    },
    lot: {
      type: { pos: [26, 2], value: '30' },
      fields: { ...PARCEL_KEY, dnupdl: [16, 3], dnulot: [19, 7], dcntlo: [29, 9], dnumql: [38, 7], ddenql: [45, 7], dnuprol: [83, 6] },
    },
  },
  LLOC: {
    lotlocal: {
      type: null,
      fields: {
        ...PARCEL_KEY,
        dnupdl: [16, 3],
        dnulot: [19, 7],
        ccodebpb: [28, 2],
        ccodird: [30, 1],
        ccocomb: [31, 3],
        invloc: [37, 10],
        dnumql: [47, 7],
        ddenql: [54, 7],
      },
    },
  },
} as const satisfies Record<MajicFile, Record<string, RecordLayout>>;

/** Vintages whose layout is known (their positions checked against the 3liz SQL of that year). */
export const MAJIC_LAYOUTS = { 2026: LAYOUT_2026 } as const;
export type MajicVintage = keyof typeof MAJIC_LAYOUTS;
export type MajicLayout = typeof LAYOUT_2026;

export function isKnownVintage(year: number): year is MajicVintage {
  return Object.hasOwn(MAJIC_LAYOUTS, year);
}

/** Length of the longest field end of a file: lines shorter than this are truncated. */
export function lineLengthOf(records: Readonly<Record<string, RecordLayout>>): number {
  let end = 0;
  for (const r of Object.values(records)) {
    for (const [start, len] of Object.values(r.fields)) end = Math.max(end, start + len - 1);
    if (r.type) end = Math.max(end, r.type.pos[0] + r.type.pos[1] - 1);
  }
  return end;
}

/** TOPO (since 2024 a `;`-separated file with a header); the columns the import reads. */
export const TOPO_HEADER =
  'code topo;libelle;type commune actuel (R ou N);type commune FIP (R ou NFIP);RUR actuel;RUR FIP;caractere voie;annulation;date annulation;date creation de article;type voie;mot classant;date derniere transition';
