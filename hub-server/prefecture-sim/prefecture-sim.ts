import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { buildIdActe, isIdActe } from '../../shared/acts/id-acte.js';
import { isCodeNatureActe, natureByCode } from '../../shared/acts/natures.js';
import { readArchive, type ArchiveEntry } from '../acts/actes-format/archive.js';
import { anomalieEnveloppeFileName, messageFileName, ministryEnvelopeFileName, transactionBase } from '../acts/actes-format/file-names.js';
import { parseActe, parseActesRoot, parseCommuneEnvelope, type ActeRecu, type EnvelopeSummary } from '../acts/actes-format/parse-return.js';
import { assertValidActesXml, validateFilesInDir, type XsdFileResult } from '../acts/actes-format/xsd-validate.js';
import * as msg from './ministry-messages.js';
import { createSimHttpServer } from './http-server.js';
import { loadOrCreateCertificate } from './self-signed-cert.js';
import { parisDay } from '../../shared/calendar.js';

/**
 * Simulator of the ministry's @CTES platform, for development, tests and the
 * demo. It speaks the real formats: it receives ACTES archives by HTTPS POST
 * (answers 201 like the new DGCL servers), keeps them in `received/`, checks
 * them (flat archive, names, XSD, classification version, files present) and
 * answers by e-mail to the envelope's AdressesRetour with ARActe, AnomalieActe
 * or AnomalieEnveloppe. Letters (2-1, 3-1, 4-1, 5-1) are sent on command.
 */
export interface PrefectureSimOptions {
  port?: number;
  host?: string;
  dataDir: string;
  smtp: { host: string; port: number };
  /** Classification version the prefecture accepts; an act stating another gets AnomalieActe (ODT-VERIF-01). */
  classificationDate?: string;
  /** Sender of the answers. */
  from?: string;
  /** Today's date (YYYY-MM-DD) for DateReception; defaults to the real date. */
  today?: () => string;
  /** Largest archive accepted over HTTPS (413 beyond); defaults to DEFAULT_MAX_ARCHIVE_BYTES. */
  maxArchiveBytes?: number;
}

export interface SimStats {
  archivesReceived: number;
  arActe: number;
  anomalieActe: number;
  anomalieEnveloppe: number;
  arAnnulation: number;
  classifications: number;
  letters: number;
  mailsSent: number;
  errors: number;
}

export interface PrefectureSim {
  url: string;
  caCertPem: string;
  /** Resolves when every archive received so far has been answered. */
  idle(): Promise<void>;
  stats(): SimStats;
  sendLetter(req: LetterRequest): Promise<{ fileName: string }>;
  close(): Promise<void>;
}

export interface LetterRequest {
  idActe: string;
  type: msg.LetterCode;
  text?: string;
}

interface ActRecord {
  idActe: string;
  siren: string;
  departement: string;
  arrondissement: string;
  adressesRetour: string[];
  receivedAt: string;
}

const DEFAULT_CLASSIFICATION = '2019-04-18';
const LETTER_TEXT: Record<msg.LetterCode, string> = {
  '2-1': 'Courrier simple de la préfecture',
  '3-1': 'Merci de transmettre la note de synthèse et le rapport de présentation.',
  '4-1': "L'acte appelle les observations jointes.",
  '5-1': "Incompétence de l'autorité signataire.",
};

/** The prefecture dates its receipts in French civil time, whatever the machine's time zone. */
const parisToday = () => parisDay(new Date());

export async function startPrefectureSim(opts: PrefectureSimOptions): Promise<PrefectureSim> {
  const dataDir = path.resolve(opts.dataDir);
  const receivedDir = path.join(dataDir, 'received');
  await mkdir(receivedDir, { recursive: true });
  const { keyPem, certPem } = await loadOrCreateCertificate(dataDir);
  const today = opts.today ?? parisToday;
  const classificationEnCours = opts.classificationDate ?? DEFAULT_CLASSIFICATION;
  const from = opts.from ?? 'actes@simulateur-ctes.interieur.test';
  const stats: SimStats = {
    archivesReceived: 0,
    arActe: 0,
    anomalieActe: 0,
    anomalieEnveloppe: 0,
    arAnnulation: 0,
    classifications: 0,
    letters: 0,
    mailsSent: 0,
    errors: 0,
  };
  const log = (line: string) => appendFile(path.join(dataDir, 'sim.log'), `${new Date().toISOString()} ${line}\n`).catch(() => {});

  // Acts acknowledged so far (append-only journal, reloaded at start).
  const acts = new Map<string, ActRecord>();
  const journal = path.join(dataDir, 'acts.jsonl');
  if (existsSync(journal)) {
    for (const line of (await readFile(journal, 'utf8')).split('\n'))
      if (line.trim()) {
        const r = JSON.parse(line) as ActRecord;
        acts.set(r.idActe, r);
      }
  }
  let serial = acts.size;
  const nextSerial = () => ++serial;

  const transport = nodemailer.createTransport({
    host: opts.smtp.host,
    port: opts.smtp.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 4,
  });

  /**
   * Validate (XSD) then mail the ministry envelope + one message (+ documents).
   * `withoutEnvelope`: the message travels alone (AnomalieEnveloppe).
   */
  async function sendReturn(p: {
    to: string[];
    siren: string;
    departement: string;
    arrondissement: string;
    message: { fileName: string; xml: Buffer };
    documents?: ArchiveEntry[];
    subject: string;
    withoutEnvelope?: boolean;
  }): Promise<void> {
    const message = { fileName: p.message.fileName, content: p.message.xml };
    let xmls = [message];
    if (!p.withoutEnvelope) {
      const envelopeName = ministryEnvelopeFileName({
        emetteur: msg.ministryEnvelopeEmitter(p.departement, p.arrondissement),
        siren: p.siren,
        date: today(),
        serial: nextSerial(),
      });
      const envelope = msg.ministryEnvelope({
        departement: p.departement,
        arrondissement: p.arrondissement,
        siren: p.siren,
        formulaires: [p.message.fileName],
      });
      xmls = [{ fileName: envelopeName, content: envelope }, message];
    }
    await assertValidActesXml(xmls);
    await transport.sendMail({
      from,
      to: p.to,
      subject: p.subject,
      text: 'Message du contrôle de légalité (@CTES, simulateur). Les pièces sont jointes.',
      attachments: [
        ...xmls.map((x) => ({ filename: x.fileName, content: x.content, contentType: 'text/xml' })),
        ...(p.documents ?? []).map((d) => ({ filename: d.name, content: d.content })),
      ],
    });
    stats.mailsSent++;
  }

  async function rejectEnvelope(
    env: EnvelopeSummary,
    envelopeName: string,
    nature: msg.AnomalieEnveloppeNature,
    detail: string,
  ): Promise<void> {
    stats.anomalieEnveloppe++;
    const xml = msg.anomalieEnveloppe({ date: today(), nature, detail, envelope: env });
    // AnomalieEnveloppe travels alone, named after the rejected envelope.
    await sendReturn({
      to: env.adressesRetour,
      siren: env.siren,
      departement: env.departement,
      arrondissement: env.arrondissement,
      message: { fileName: anomalieEnveloppeFileName(envelopeName), xml },
      subject: `[ACTES] Anomalie d'enveloppe ${envelopeName}`,
      withoutEnvelope: true,
    });
  }

  async function answerActe(
    env: EnvelopeSummary,
    name: string,
    entries: Map<string, Buffer>,
    xsd: XsdFileResult | undefined,
  ): Promise<void> {
    const acte: ActeRecu = parseActe(entries.get(name)!);
    const base = { to: env.adressesRetour, siren: env.siren, departement: env.departement, arrondissement: env.arrondissement };
    const anomaly = async (nature: string, detail: string) => {
      stats.anomalieActe++;
      const fileBase =
        isCodeNatureActe(acte.codeNatureActe) && /^[A-Za-z0-9_]{1,15}$/.test(acte.numeroInterne) && /^\d{4}-\d{2}-\d{2}$/.test(acte.date)
          ? transactionBase({
              departement: env.departement,
              siren: env.siren,
              decisionDate: acte.date,
              numeroInterne: acte.numeroInterne,
              natureAbrege: natureByCode(acte.codeNatureActe).abrege,
            })
          : `${env.departement}-${env.siren}---`;
      const fileName = messageFileName(fileBase, '1-3', nextSerial());
      await sendReturn({
        ...base,
        message: { fileName, xml: msg.anomalieActe({ date: today(), nature, detail, acte, classificationEnCours }) },
        subject: `[ACTES] Anomalie sur l'acte ${acte.numeroInterne}`,
      });
    };
    if (xsd && !xsd.valid) return anomaly('001', `Acte non conforme au schéma : ${xsd.errors.slice(0, 3).join(' ; ')}`.slice(0, 1000));
    if (!isCodeNatureActe(acte.codeNatureActe)) return anomaly('001', `Nature d'acte inconnue : ${acte.codeNatureActe}`);
    const idActe = buildIdActe({
      departement: env.departement,
      siren: env.siren,
      decisionDate: acte.date,
      numeroInterne: acte.numeroInterne,
      codeNatureActe: acte.codeNatureActe,
    });
    if (!isIdActe(idActe)) return anomaly('001', `Numéro interne invalide : ${acte.numeroInterne}`);
    if (name !== messageFileName(idActe, '1-1'))
      return anomaly('001', `Nom de fichier non conforme : ${name} (attendu ${messageFileName(idActe, '1-1')})`);
    const missing = [acte.document, ...acte.annexes].filter((f) => !entries.has(f));
    if (missing.length) return anomaly('001', `Fichier(s) annoncé(s) absent(s) de l'archive : ${missing.join(', ')}`);
    if (acte.classificationDateVersion !== classificationEnCours) {
      return anomaly('002', "ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est pas à jour");
    }
    if (acts.has(idActe)) return anomaly('001', `Un acte portant le numéro ${acte.numeroInterne} a déjà été transmis (${idActe}).`);
    const record: ActRecord = {
      idActe,
      siren: env.siren,
      departement: env.departement,
      arrondissement: env.arrondissement,
      adressesRetour: env.adressesRetour,
      receivedAt: new Date().toISOString(),
    };
    acts.set(idActe, record);
    await appendFile(journal, `${JSON.stringify(record)}\n`);
    stats.arActe++;
    const xml = msg.arActe({ idActe, dateReception: today(), acte, classificationEnCours });
    await sendReturn({
      ...base,
      message: { fileName: messageFileName(idActe, '1-2', nextSerial()), xml },
      subject: `[ACTES] Accusé de réception ${idActe}`,
    });
  }

  /** 7-1: the classification (7-2) when the commune's version differs, else 7-3 "sans changement". */
  async function answerClassification(env: EnvelopeSummary, el: Record<string, unknown>): Promise<void> {
    const held = String(el.DateClassification ?? '');
    const base = { to: env.adressesRetour, siren: env.siren, departement: env.departement, arrondissement: env.arrondissement };
    const fileName = (code: '7-2' | '7-3') => `${env.departement}-${env.siren}----${code}_${nextSerial()}.xml`;
    stats.classifications++;
    if (held === classificationEnCours) {
      await sendReturn({
        ...base,
        message: { fileName: fileName('7-3'), xml: msg.classificationSansChangement(classificationEnCours) },
        subject: '[ACTES] Classification à jour',
      });
    } else {
      await sendReturn({
        ...base,
        message: { fileName: fileName('7-2'), xml: await msg.retourClassification(classificationEnCours) },
        subject: '[ACTES] Classification des actes',
      });
    }
  }

  /** Answers to the commune's other messages; returns a rejection reason when the act is unknown. */
  async function answerOther(env: EnvelopeSummary, root: string, bytes: Buffer): Promise<string | null> {
    const { el } = parseActesRoot(bytes);
    if (root === 'DemandeClassification') {
      await answerClassification(env, el);
      return null;
    }
    const idActe = String(el['@IDActe'] ?? '');
    if (!acts.has(idActe)) return `Acte inconnu : ${idActe}`;
    const base = { to: env.adressesRetour, siren: env.siren, departement: env.departement, arrondissement: env.arrondissement };
    if (root === 'Annulation') {
      stats.arAnnulation++;
      await sendReturn({
        ...base,
        message: { fileName: messageFileName(idActe, '6-2', nextSerial()), xml: msg.arAnnulation({ idActe, dateReception: today() }) },
        subject: `[ACTES] Accusé de réception de l'annulation ${idActe}`,
      });
    } else if (root === 'PieceComplementaire' || root === 'RefusPieceComplementaire') {
      await sendReturn({
        ...base,
        message: {
          fileName: messageFileName(idActe, '3-5', nextSerial()),
          xml: msg.arReponse('ARPieceComplementaire', {
            idActe,
            dateCourrierPref: String(el['@DateCourrierPref']),
            dateReception: today(),
          }),
        },
        subject: `[ACTES] Accusé de réception ${idActe}`,
      });
    } else if (root === 'ReponseLettreObservations' || root === 'RejetLettreObservations') {
      await sendReturn({
        ...base,
        message: {
          fileName: messageFileName(idActe, '4-5', nextSerial()),
          xml: msg.arReponse('ARReponseRejetLettreObservations', {
            idActe,
            dateCourrierPref: String(el['@DateCourrierPref']),
            dateReception: today(),
          }),
        },
        subject: `[ACTES] Accusé de réception ${idActe}`,
      });
    }
    // 2-2, 3-2, 4-2: the ministry does not acknowledge them.
    return null;
  }

  async function processArchive(archiveName: string, archive: Buffer): Promise<void> {
    let entries: Array<ArchiveEntry & { type: string }>;
    try {
      entries = await readArchive(archive);
    } catch (err) {
      // Without a readable envelope there is nobody to answer: keep a trace only.
      await log(`archive illisible ${archiveName}: ${(err as Error).message}`);
      stats.errors++;
      return;
    }
    const files = new Map(entries.filter((e) => e.type === 'File').map((e) => [e.name, e.content]));
    const envelopeName = [...files.keys()].find((n) => /^[A-Z]{4}--\d{9}--\d{8}-\d+\.xml$/.test(n));
    const env = envelopeName ? safe(() => parseCommuneEnvelope(files.get(envelopeName)!)) : null;
    if (!envelopeName || !env || env.adressesRetour.length === 0) {
      await log(`archive sans enveloppe exploitable ${archiveName}`);
      stats.errors++;
      return;
    }
    const expectedArchive = new RegExp(
      `^[A-Za-z0-9]+-${envelopeName.replace(/\.xml$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tar\\.gz$`,
    );
    if (entries.some((e) => e.type !== 'File' || e.name.includes('/')))
      return rejectEnvelope(env, envelopeName, '001', "L'archive doit être plate : elle contient un dossier.");
    if (!expectedArchive.test(archiveName))
      return rejectEnvelope(
        env,
        envelopeName,
        '001',
        `Nom d'archive non conforme : ${archiveName} (attendu <trigramme>-${envelopeName.replace(/\.xml$/, '')}.tar.gz)`,
      );
    const missing = env.formulaires.filter((f) => !files.has(f));
    if (missing.length) return rejectEnvelope(env, envelopeName, '003', `Formulaire(s) absent(s) de l'archive : ${missing.join(', ')}`);
    // One xmllint run for the envelope and every message.
    const dir = await mkdtemp(path.join(tmpdir(), 'sim-in-'));
    let results: XsdFileResult[];
    try {
      const xmlNames = [envelopeName, ...env.formulaires];
      await Promise.all(xmlNames.map((n) => writeFile(path.join(dir, n), files.get(n)!)));
      results = await validateFilesInDir(dir, xmlNames);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (!results[0].valid)
      return rejectEnvelope(
        env,
        envelopeName,
        '002',
        `Enveloppe non conforme au schéma : ${results[0].errors.slice(0, 3).join(' ; ')}`.slice(0, 1000),
      );
    for (const [i, name] of env.formulaires.entries()) {
      const bytes = files.get(name)!;
      const root = safe(() => parseActesRoot(bytes).root);
      if (root === 'Acte') await answerActe(env, name, files, results[i + 1]);
      else if (root && results[i + 1].valid) {
        const rejection = await answerOther(env, root, bytes);
        if (rejection) await rejectEnvelope(env, envelopeName, '100', rejection);
      } else
        await rejectEnvelope(
          env,
          envelopeName,
          '004',
          `Message non conforme : ${name} ${results[i + 1].errors.slice(0, 2).join(' ; ')}`.slice(0, 1000),
        );
    }
  }

  async function sendLetter(req: LetterRequest): Promise<{ fileName: string }> {
    const act = acts.get(req.idActe);
    if (!act) throw Object.assign(new Error(`Acte inconnu du simulateur : ${req.idActe}`), { statusCode: 404 });
    if (!['2-1', '3-1', '4-1', '5-1'].includes(req.type))
      throw Object.assign(new Error(`Type de courrier inconnu : ${req.type}`), { statusCode: 400 });
    const n = nextSerial();
    const docName = `${req.idActe}-${req.type}_1.pdf`;
    const fileName = messageFileName(req.idActe, req.type, n);
    const xml = msg.letter(req.type, { idActe: req.idActe, date: today(), text: req.text ?? LETTER_TEXT[req.type], document: docName });
    await sendReturn({
      to: act.adressesRetour,
      siren: act.siren,
      departement: act.departement,
      arrondissement: act.arrondissement,
      message: { fileName, xml },
      documents: [{ name: docName, content: msg.letterPdf(`Prefecture - courrier ${req.type} - ${req.idActe}`) }],
      subject: `[ACTES] Courrier de la préfecture (${req.type}) ${req.idActe}`,
    });
    stats.letters++;
    return { fileName };
  }

  const inFlight = new Set<Promise<void>>();
  let archiveCounter = 0;
  /** Kept in received/ first (the archive is the proof of what was sent), then checked; the answers go by e-mail. */
  const receive = (archiveName: string, archive: Buffer): void => {
    stats.archivesReceived++;
    const stored = path.join(receivedDir, `${String(++archiveCounter).padStart(6, '0')}-${archiveName}`);
    const work: Promise<void> = writeFile(stored, archive)
      .then(() => processArchive(archiveName, archive))
      .catch(async (err: Error) => {
        stats.errors++;
        await log(`traitement ${archiveName}: ${err.message}`);
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };
  const server = await createSimHttpServer({
    keyPem,
    certPem,
    maxArchiveBytes: opts.maxArchiveBytes,
    onArchive: receive,
    listActs: () => [...acts.values()],
    sendLetter: (request) =>
      sendLetter(request as LetterRequest).catch((err: unknown) => {
        stats.errors++;
        throw err;
      }),
  });
  await server.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = server.server.address() as AddressInfo;
  const url = `https://${opts.host ?? '127.0.0.1'}:${address.port}`;
  await writeFile(path.join(dataDir, 'sim.json'), `${JSON.stringify({ url, pid: process.pid })}\n`);

  return {
    url,
    caCertPem: certPem,
    stats: () => ({ ...stats }),
    sendLetter,
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    async close() {
      await server.close();
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
