import { GuichetError } from '../errors.js';
import { streetAddress } from './address.js';
import { readLine, recordLength, recordOf } from './fixed-width.js';
import { isKnownVintage, MAJIC_LAYOUTS, type MajicFile, type MajicLayout, TOPO_HEADER } from './majic-layout.js';
import { parcelIdOf } from './parcel-id.js';
import type { Compte, Exemption, Owner, OwnedLocal, OwnedParcel } from './types.js';

/**
 * Reads a commune's MAJIC files (already decoded from latin-1) into comptes
 * communaux. All or nothing: the first bad line stops the read with a French
 * message naming the file and the line, and nothing is returned. Pure (the hub
 * decodes the bytes and stores the result in one transaction).
 */
export interface MajicInputFile {
  name: string;
  text: string;
}

const KINDS: [MajicFile | 'TOPO', RegExp][] = [
  ['PROP', /PROP/i],
  ['NBAT', /NBAT/i],
  ['BATI', /BATI/i],
  ['PDL', /PDL/i],
  ['LLOC', /D166|LLOC/i],
  ['TOPO', /TOPO/i],
];

/** Which MAJIC file a name is, by its keyword (real names vary: `ART.DC21.W19132.PROP.A2019.N000688`, `REVPROP.800`). */
export function majicKindOf(name: string): MajicFile | 'TOPO' | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  return KINDS.find(([, re]) => re.test(base))?.[0] ?? null;
}

function refuse(message: string, detail: string): never {
  throw new GuichetError('import_rejected', message, detail);
}

const lineError = (file: string, line: number, what: string, detail: string): never =>
  refuse(`Fichier ${file}, ligne ${line} : ${what} L'import est refusé en entier ; rien n'a été enregistré.`, `${file}:${line} ${detail}`);

function digits(file: string, line: number, field: string, value: string, blankAs: number | null = null): number | null {
  const v = value.trim();
  if (v === '') return blankAs;
  if (!/^\d+$/.test(v)) return lineError(file, line, `le champ ${field} devrait être numérique.`, `non-numeric ${field}`);
  return Number(v);
}

interface Ctx {
  layout: MajicLayout;
  insee: string;
  vintage: number;
}

/** Data lines of a file with their 1-based numbers, after checking its header (vintage, commune). */
function dataLines(ctx: Ctx, file: MajicInputFile, kind: MajicFile): [number, string][] {
  const lines = file.text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const length = recordLength(ctx.layout, kind);
  const out: [number, string][] = [];
  let sawYear = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    if ((line.slice(3, 14).trim() === '' || line.slice(6, 16).trim() === '') && line.length < length) {
      // A header line: the direction's (with the vintage year at 51–54) or the commune's.
      const year = /^\S{3}\s{11}.{30}\S{6}(\d{4})/.exec(line)?.[1];
      if (year !== undefined) {
        sawYear = true;
        if (Number(year) !== ctx.vintage)
          refuse(
            `Le fichier ${file.name} est du millésime ${year}, pas ${ctx.vintage} : vérifiez le millésime demandé (--millesime) ou les fichiers.`,
            `${file.name}: vintage ${year} ≠ ${ctx.vintage}`,
          );
      }
      continue;
    }
    if (line.length !== length)
      lineError(
        file.name,
        n,
        `la ligne fait ${line.length} caractères au lieu de ${length} (fichier tronqué, ou d'une autre présentation que celle du millésime ${ctx.vintage}).`,
        `length ${line.length} ≠ ${length}`,
      );
    const insee = `${line.slice(0, 2)}${line.slice(3, 6)}`;
    if (insee !== ctx.insee) lineError(file.name, n, `cette ligne concerne la commune ${insee}, pas ${ctx.insee}.`, `commune ${insee}`);
    out.push([n, line]);
  }
  if (!sawYear)
    refuse(
      `Le fichier ${file.name} n'a pas d'en-tête de millésime : ce n'est pas un fichier MAJIC complet.`,
      `${file.name}: no vintage header`,
    );
  return out;
}

function records(
  ctx: Ctx,
  file: MajicInputFile,
  kind: MajicFile,
  each: (record: string, f: Record<string, string>, n: number) => void,
): void {
  for (const [n, line] of dataLines(ctx, file, kind)) {
    const found = recordOf(ctx.layout[kind], line);
    if (!found) lineError(file.name, n, `type d'enregistrement inconnu pour un fichier ${kind}.`, 'unknown record type');
    else each(found[0], readLine(found[1], line), n);
  }
}

const text = (v: string | undefined) => (v ?? '').trim();
const orNull = (v: string | undefined) => (text(v) === '' ? null : text(v));

function ownerOf(f: Record<string, string>, file: string, n: number): Owner {
  const legal = f.gtoper === '2';
  if (!legal && f.gtoper !== '1') lineError(file, n, 'le type de personne (gtoper) doit valoir 1 ou 2.', `gtoper ${f.gtoper}`);
  const birth = text(f.jdatnss);
  if (birth !== '' && birth !== '00/00/0000' && !/^\d{2}\/\d{2}\/\d{4}$/.test(birth))
    lineError(file, n, 'la date de naissance (jdatnss) doit être au format JJ/MM/AAAA.', 'bad jdatnss');
  // dlign5 is only meaningful when a country code follows (as the 3liz formatting reads it).
  const address = [f.dlign3, f.dlign4, text(f.ccopay) === '' ? '' : f.dlign5, f.dlign6].map(text).filter((l) => l !== '');
  return {
    dnuper: text(f.dnuper),
    right: text(f.ccodro),
    dismemberment: text(f.ccodem),
    legalPerson: legal,
    title: text(f.dqualp),
    designation: text(f.ddenom),
    birthName: text(f.dnomlp),
    birthFirstNames: text(f.dprnlp),
    usageName: text(f.dnomus),
    usageFirstNames: text(f.dprnus),
    birthDate: birth === '' || birth === '00/00/0000' ? null : birth,
    birthPlace: orNull(f.dldnss),
    siren: orNull(f.dsiren),
    legalForm: orNull(f.dformjur),
    address,
  };
}

function exemption(f: Record<string, string>, file: string, n: number, code: string, percent: string, from: string, to: string): Exemption {
  return {
    code: text(code),
    collectivite: text(f.ccolloc),
    percent: digits(file, n, 'pourcentage', percent),
    from: text(from),
    to: text(to),
  };
}

/** The comptes communaux of `insee` in these files (PROP, NBAT required; BATI, PDL, LLOC, TOPO optional). */
export function parseMajic(files: readonly MajicInputFile[], opts: { insee: string; millesime: number }): Compte[] {
  if (!isKnownVintage(opts.millesime))
    refuse(
      `Le millésime ${opts.millesime} n'est pas pris en charge : Guichet lit les fichiers MAJIC des millésimes ${Object.keys(MAJIC_LAYOUTS).join(', ')}.`,
      `unknown vintage ${opts.millesime}`,
    );
  const ctx: Ctx = { layout: MAJIC_LAYOUTS[opts.millesime], insee: opts.insee, vintage: opts.millesime };
  const byKind = new Map<string, MajicInputFile>();
  for (const f of files) {
    const kind = majicKindOf(f.name);
    if (!kind)
      refuse(`Le fichier ${f.name} n'est pas un fichier MAJIC reconnu (PROP, NBAT, BATI, PDL, D166/LLOC, TOPO).`, `unknown file ${f.name}`);
    if (byKind.has(kind)) refuse(`Deux fichiers ${kind} ont été donnés : un seul par type.`, `duplicate ${kind}`);
    byKind.set(kind, f);
  }
  for (const needed of ['PROP', 'NBAT'] as const)
    if (!byKind.has(needed))
      refuse(`Il manque le fichier ${needed} (REV${needed}) : l'import demande au moins REVPROP et REVNBAT.`, `missing ${needed}`);

  const comptes = new Map<string, Compte>();
  const compteOf = (dnupro: string, file: string, n: number): Compte => {
    const c = comptes.get(dnupro);
    if (!c) return lineError(file, n, `le compte communal ${dnupro} n'existe pas dans le fichier des propriétaires.`, 'unknown dnupro');
    return c;
  };

  const prop = byKind.get('PROP')!;
  records(ctx, prop, 'PROP', (_r, f, n) => {
    const dnupro = f.dnupro!;
    if (dnupro.trim() === '') lineError(prop.name, n, 'le numéro de compte (dnupro) est vide.', 'blank dnupro');
    let c = comptes.get(dnupro);
    if (!c) {
      c = {
        id: `${f.ccodep}${f.ccodir}${f.ccocom}${dnupro}`,
        insee: opts.insee,
        dnupro,
        millesime: opts.millesime,
        owners: [],
        parcels: [],
        locals: [],
        lots: [],
      };
      comptes.set(dnupro, c);
    }
    c.owners.push(ownerOf(f, prop.name, n));
  });

  const parcels = new Map<string, { parcel: OwnedParcel; compte: Compte }>();
  const nbat = byKind.get('NBAT')!;
  records(ctx, nbat, 'NBAT', (record, f, n) => {
    const id = parcelIdOf(f as never);
    if (record === 'parcelle') {
      const compte = compteOf(f.dnupro!, nbat.name, n);
      if (parcels.has(id)) lineError(nbat.name, n, `la parcelle ${id} figure deux fois.`, 'duplicate parcel');
      const parcel: OwnedParcel = {
        id,
        area: digits(nbat.name, n, 'dcntpa', f.dcntpa!, 0)!,
        address: streetAddress(f.dnvoiri, f.dindic, f.dvoilib),
        subdivisions: [],
      };
      compte.parcels.push(parcel);
      parcels.set(id, { parcel, compte });
      return;
    }
    const held = parcels.get(id);
    if (!held) return lineError(nbat.name, n, `la subdivision fiscale précède sa parcelle ${id}.`, 'orphan suf');
    if (record === 'suf') {
      held.parcel.subdivisions.push({
        sub: text(f.ccosub),
        area: digits(nbat.name, n, 'dcntsf', f.dcntsf!, 0)!,
        nature: text(f.dsgrpf),
        revenue: digits(nbat.name, n, 'drcsub', f.drcsub!, 0)!,
        exemptions: [],
      });
    } else {
      const suf = held.parcel.subdivisions.find((s) => s.sub === text(f.ccosub));
      if (!suf) return lineError(nbat.name, n, `l'exonération précède sa subdivision fiscale.`, 'orphan exemption');
      suf.exemptions.push(exemption(f, nbat.name, n, f.gnexts!, f.pexn!, f.jandeb!, f.jfinex!));
    }
  });

  const bati = byKind.get('BATI');
  const locals = new Map<string, OwnedLocal>();
  if (bati) {
    const base = new Map<string, Record<string, string>>();
    records(ctx, bati, 'BATI', (record, f, n) => {
      const invar = f.invar!;
      if (record === 'local00') return void base.set(invar, f);
      const b = base.get(invar);
      if (!b) return lineError(bati.name, n, `le local ${invar} n'a pas d'article 00 avant celui-ci.`, 'orphan local record');
      if (record === 'local10') {
        const local: OwnedLocal = {
          invar,
          parcelId: parcelIdOf(b as never),
          address: streetAddress(b.dnvoiri, b.dindic, b.dvoilib),
          type: text(f.dteloc),
          rentalValue: digits(bati.name, n, 'dvltrt', f.dvltrt!),
          exemptions: [],
        };
        compteOf(f.dnupro!, bati.name, n).locals.push(local);
        locals.set(invar, local);
      } else if (record === 'exoneration') {
        const local = locals.get(invar);
        if (!local) return lineError(bati.name, n, `l'exonération du local ${invar} précède son article 10.`, 'orphan exemption');
        local.exemptions.push(exemption(f, bati.name, n, f.gnextl!, f.pexb!, f.jandeb!, f.janimp!));
      }
    });
  }

  const pdl = byKind.get('PDL');
  if (pdl)
    records(ctx, pdl, 'PDL', (record, f, n) => {
      if (record !== 'lot') return;
      compteOf(f.dnuprol!, pdl.name, n).lots.push({
        parcelId: parcelIdOf(f as never),
        pdl: text(f.dnupdl),
        lot: text(f.dnulot),
        share: `${Number(text(f.dnumql) || '0')}/${Number(text(f.ddenql) || '0')}`,
      });
    });

  const lloc = byKind.get('LLOC');
  if (lloc)
    records(ctx, lloc, 'LLOC', (_r, f, n) => {
      if (bati && !locals.has(f.invloc!))
        lineError(lloc.name, n, `le lot renvoie au local ${f.invloc}, absent du fichier BATI.`, 'unknown invloc');
    });

  const topo = byKind.get('TOPO');
  if (topo) checkTopo(topo, opts.insee);

  if (comptes.size === 0) refuse("Le fichier des propriétaires ne contient aucun compte : l'import est refusé.", 'no compte');
  return [...comptes.values()];
}

/** TOPO: the header of the year's CSV, and every line of this commune (or of its département). */
function checkTopo(file: MajicInputFile, insee: string): void {
  const lines = file.text.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== TOPO_HEADER)
    refuse(`Le fichier ${file.name} n'a pas l'en-tête TOPO attendu (fichier CSV publié depuis 2024).`, `${file.name}: bad TOPO header`);
  for (let i = 1; i < lines.length; i++) {
    const code = lines[i]!.split(';')[0] ?? '';
    if (code.length !== 18) lineError(file.name, i + 1, 'le code TOPO doit faire 18 caractères.', 'bad topo code');
    const dep = code.slice(7, 9);
    const com = code.slice(9, 12);
    if (dep !== insee.slice(0, 2) || (com.trim() !== '' && com !== insee.slice(2)))
      lineError(file.name, i + 1, `cette ligne concerne la commune ${dep}${com}, pas ${insee}.`, 'topo of another commune');
  }
}
