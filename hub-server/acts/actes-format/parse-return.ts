import { XMLParser } from 'fast-xml-parser';
import type { Classification, ClassificationNature, Matiere } from '../../../shared/acts/classification.js';
import { isIdActe } from '../../../shared/acts/id-acte.js';
import { GuichetError } from '../../../shared/errors.js';
import { decodeActesXml } from './decode.js';

/**
 * Parsers for what the ministry sends back. Lenient on purpose (reference §4):
 * the real platform sends values outside the XSD (AnomalieEnveloppe Nature
 * 999), UTF-8 under an ISO-8859-1 prolog, empty elements. Missing values come
 * out as '' rather than failing; odd ones are reported in `warnings`.
 */
export interface ActeRecu {
  date: string;
  numeroInterne: string;
  codeNatureActe: number;
  matieres: number[];
  objet: string;
  classificationDateVersion: string;
  precedentIdActe?: string;
  document: string;
  annexes: string[];
  documentPapier: string;
}

export interface EnvelopeSummary {
  siren: string;
  departement: string;
  arrondissement: string;
  nature: string;
  adressesRetour: string[];
  formulaires: string[];
}

interface CourrierBase {
  idActe: string;
  dateCourrierPref: string;
  warnings: string[];
}

export type ActesReturn =
  | {
      type: 'ARActe';
      code: '1-2';
      idActe: string;
      dateReception: string;
      acte: ActeRecu;
      classificationDateVersionEnCours: string;
      warnings: string[];
    }
  | {
      type: 'AnomalieActe';
      code: '1-3';
      date: string;
      nature: string;
      detail: string;
      acte: ActeRecu;
      classificationDateVersionEnCours: string;
      warnings: string[];
    }
  | { type: 'AnomalieEnveloppe'; code: 'ANO'; date: string; nature: string; detail: string; enveloppe: EnvelopeSummary; warnings: string[] }
  | ({ type: 'CourrierSimple'; code: '2-1'; document: string } & CourrierBase)
  | ({ type: 'DemandePieceComplementaire'; code: '3-1'; descriptionPieces: string; document: string } & CourrierBase)
  | ({ type: 'ARPieceComplementaire'; code: '3-5'; dateReception: string } & CourrierBase)
  | ({ type: 'LettreObservations'; code: '4-1'; motif: string; document: string } & CourrierBase)
  | ({ type: 'ARReponseRejetLettreObservations'; code: '4-5'; dateReception: string } & CourrierBase)
  | {
      type: 'DefereTA';
      code: '5-1';
      idActe: string;
      dateDepot: string;
      natureIllegalite: string;
      piecesJointes: string[];
      warnings: string[];
    }
  | { type: 'ARAnnulation'; code: '6-2'; idActe: string; dateReception: string; warnings: string[] }
  | { type: 'RetourClassification'; code: '7-2'; classification: Classification; warnings: string[] }
  | { type: 'ReponseClassificationSansChangement'; code: '7-3'; dateClassification: string; warnings: string[] };

export type ActesReturnType = ActesReturn['type'];

export interface MinistryEnvelope {
  type: 'EnveloppeMISILLCL';
  emetteur: { kind: 'IDSGAR' | 'IDPref' | 'IDSousPref' | 'inconnu'; departement: string; arrondissement?: string };
  formulaires: string[];
  destinataireSiren: string;
}

const ARRAYS = new Set([
  'Annexe',
  'Email',
  'Formulaire',
  'NatureActe',
  'TypePJNatureActe',
  'Matiere1',
  'Matiere2',
  'Matiere3',
  'Matiere4',
  'Matiere5',
  'PieceJointe',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  htmlEntities: true,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

function str(x: unknown): string {
  if (x === undefined || x === null) return '';
  if (typeof x === 'object') return str((x as Node)['#text']);
  return String(x);
}
function node(x: unknown): Node {
  return x && typeof x === 'object' ? (x as Node) : {};
}
function list(x: unknown): Node[] {
  return Array.isArray(x) ? x.map(node) : x === undefined ? [] : [node(x)];
}
function texts(x: unknown): string[] {
  return (Array.isArray(x) ? x : x === undefined ? [] : [x]).map(str);
}
function nomFichier(x: unknown): string {
  return str(node(x).NomFichier);
}

/** Parse the XML document and return its root element name (without prefix) and node. */
export function parseActesRoot(bytes: Uint8Array): { root: string; el: Node } {
  let doc: Node;
  try {
    doc = parser.parse(decodeActesXml(bytes)) as Node;
  } catch (err) {
    throw new GuichetError('bad_request', 'Le message reçu de la préfecture est illisible.', `XML: ${(err as Error).message}`);
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!root) throw new GuichetError('bad_request', 'Le message reçu de la préfecture est vide.');
  return { root, el: node(doc[root]) };
}

function parseActeRecu(x: Node): ActeRecu {
  const matieres: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const m = list(x[`CodeMatiere${i}`])[0];
    if (m) matieres.push(Number(str(m['@CodeMatiere'])));
  }
  const precedent = str(node(x.PrecedentIdentifiantActe)['@IDActe']);
  return {
    date: str(x['@Date']),
    numeroInterne: str(x['@NumeroInterne']),
    codeNatureActe: Number(str(x['@CodeNatureActe'])),
    matieres,
    objet: str(x.Objet),
    classificationDateVersion: str(x.ClassificationDateVersion),
    ...(precedent ? { precedentIdActe: precedent } : {}),
    document: nomFichier(x.Document),
    annexes: list(node(x.Annexes).Annexe).map(nomFichier),
    documentPapier: str(x.DocumentPapier),
  };
}

function parseEnvelopeSummary(x: Node): EnvelopeSummary {
  const idcl = node(node(x.Emetteur).IDCL);
  return {
    siren: str(idcl['@SIREN']),
    departement: str(idcl['@Departement']),
    arrondissement: str(idcl['@Arrondissement']),
    nature: str(idcl['@Nature']),
    adressesRetour: texts(node(x.AdressesRetour).Email),
    formulaires: list(node(x.FormulairesEnvoyes).Formulaire).map(nomFichier),
  };
}

function parseMatieres(level: number, items: Node[]): Matiere[] {
  return items.map((m) => ({
    code: Number(str(m['@CodeMatiere'])),
    libelle: str(m['@Libelle']),
    children: level < 5 ? parseMatieres(level + 1, list(m[`Matiere${level + 1}`])) : [],
  }));
}

export function parseClassification(x: Node): Classification {
  const natures: ClassificationNature[] = list(node(x.NaturesActes).NatureActe).map((n) => ({
    code: Number(str(n['@CodeNatureActe'])),
    libelle: str(n['@Libelle']),
    typeAbrege: str(n['@TypeAbrege']),
    typologies: list(n.TypePJNatureActe).map((t) => ({ code: str(t['@CodeTypePJ']), libelle: str(t['@Libelle']) })),
  }));
  return { dateClassification: str(x.DateClassification), natures, matieres: parseMatieres(1, list(node(x.Matieres).Matiere1)) };
}

function checkId(idActe: string, warnings: string[]): string {
  if (!isIdActe(idActe)) warnings.push(`IDActe au format inattendu : « ${idActe} »`);
  return idActe;
}

/** Parse one message from the prefecture (not its envelope). Throws `bad_request` on an unknown root. */
export function parseActesReturn(bytes: Uint8Array): ActesReturn {
  const { root, el } = parseActesRoot(bytes);
  const warnings: string[] = [];
  const courrier = (): CourrierBase => ({
    idActe: checkId(str(el['@IDActe']), warnings),
    dateCourrierPref: str(el['@DateCourrierPref']),
    warnings,
  });
  switch (root) {
    case 'ARActe':
      return {
        type: 'ARActe',
        code: '1-2',
        idActe: checkId(str(el['@IDActe']), warnings),
        dateReception: str(el['@DateReception']),
        acte: parseActeRecu(node(el.ActeRecu)),
        classificationDateVersionEnCours: str(el.ClassificationDateVersionEnCours),
        warnings,
      };
    case 'AnomalieActe':
      return {
        type: 'AnomalieActe',
        code: '1-3',
        date: str(el.Date),
        nature: str(el.Nature),
        detail: str(el.Detail),
        acte: parseActeRecu(node(el.ActeRecu)),
        classificationDateVersionEnCours: str(el.ClassificationDateVersionEnCours),
        warnings,
      };
    case 'AnomalieEnveloppe': {
      const nature = str(el.Nature);
      if (!['001', '002', '003', '004', '005', '100'].includes(nature.padStart(3, '0')))
        warnings.push(`Nature d'anomalie hors schéma : ${nature}`);
      return {
        type: 'AnomalieEnveloppe',
        code: 'ANO',
        date: str(el.Date),
        nature,
        detail: str(el.Detail),
        enveloppe: parseEnvelopeSummary(node(el.EnveloppeRecue)),
        warnings,
      };
    }
    case 'CourrierSimple':
      return { type: 'CourrierSimple', code: '2-1', ...courrier(), document: nomFichier(el.Document) };
    case 'DemandePieceComplementaire':
      return {
        type: 'DemandePieceComplementaire',
        code: '3-1',
        ...courrier(),
        descriptionPieces: str(el.DescriptionPieces),
        document: nomFichier(el.Document),
      };
    case 'ARPieceComplementaire':
    case 'ARReponseRejetLettreObservations': {
      const infos = node(el.InfosCourrierPref);
      const base = {
        idActe: checkId(str(infos['@IDActe']), warnings),
        dateCourrierPref: str(infos['@DateCourrierPref']),
        dateReception: str(el['@DateReception']),
        warnings,
      };
      return root === 'ARPieceComplementaire' ? { type: root, code: '3-5', ...base } : { type: root, code: '4-5', ...base };
    }
    case 'LettreObservations':
      return { type: 'LettreObservations', code: '4-1', ...courrier(), motif: str(el.Motif), document: nomFichier(el.Document) };
    case 'DefereTA':
      return {
        type: 'DefereTA',
        code: '5-1',
        idActe: checkId(str(el['@IDActe']), warnings),
        dateDepot: str(el.DateDepot),
        natureIllegalite: str(el.NatureIllegalite),
        piecesJointes: list(node(el.PiecesJointes).PieceJointe).map(nomFichier),
        warnings,
      };
    case 'ARAnnulation':
      return {
        type: 'ARAnnulation',
        code: '6-2',
        idActe: checkId(str(el['@IDActe']), warnings),
        dateReception: str(el['@DateReception']),
        warnings,
      };
    case 'RetourClassification':
      return { type: 'RetourClassification', code: '7-2', classification: parseClassification(el), warnings };
    case 'ReponseClassificationSansChangement':
      return { type: 'ReponseClassificationSansChangement', code: '7-3', dateClassification: str(el.DateClassification), warnings };
    default:
      throw new GuichetError('bad_request', 'Message de la préfecture non reconnu.', `root element ${root}`);
  }
}

/** The ministry's envelope (`EnveloppeMISILLCL`): who sent it, to which commune, which messages. */
export function parseMinistryEnvelope(bytes: Uint8Array): MinistryEnvelope {
  const { root, el } = parseActesRoot(bytes);
  if (root !== 'EnveloppeMISILLCL')
    throw new GuichetError('bad_request', 'Enveloppe de la préfecture non reconnue.', `root element ${root}`);
  const em = node(el.Emetteur);
  const kind = (['IDSGAR', 'IDPref', 'IDSousPref'] as const).find((k) => em[k] !== undefined) ?? 'inconnu';
  const id = node(kind === 'inconnu' ? undefined : em[kind]);
  const arr = str(id['@Arrondissement']);
  return {
    type: 'EnveloppeMISILLCL',
    emetteur: { kind, departement: str(id['@Departement']), ...(arr ? { arrondissement: arr } : {}) },
    formulaires: list(node(el.FormulairesEnvoyes).Formulaire).map(nomFichier),
    destinataireSiren: str(node(el.Destinataire)['@SIREN']),
  };
}

/** The collectivité's own envelope (`EnveloppeCLMISILL`), as read by the simulator. */
export function parseCommuneEnvelope(bytes: Uint8Array): EnvelopeSummary {
  const { root, el } = parseActesRoot(bytes);
  if (root !== 'EnveloppeCLMISILL')
    throw new GuichetError('bad_request', 'Enveloppe de la collectivité non reconnue.', `root element ${root}`);
  return parseEnvelopeSummary(el);
}

/** The collectivité's Acte (1-1), as read by the simulator. */
export function parseActe(bytes: Uint8Array): ActeRecu {
  const { root, el } = parseActesRoot(bytes);
  if (root !== 'Acte') throw new GuichetError('bad_request', 'Acte non reconnu.', `root element ${root}`);
  return parseActeRecu(el);
}
