import { parseIdActe } from '../../../shared/acts/id-acte.js';
import { ArchiveTooLarge, readArchive } from '../actes-format/archive.js';
import { parseActesRoot, parseActesReturn, parseMinistryEnvelope, type ActesReturn } from '../actes-format/parse-return.js';

/**
 * From the attachments of one mail of the ministry to the returns it carries.
 * The prefecture attaches its envelope (EnveloppeMISILLCL), the message(s) and
 * the documents, loose or as a tar.gz; each return is keyed so the hub can find
 * the act: SIREN + NumeroInterne before the AR, IDActe after.
 */
export interface ReturnFile {
  name: string;
  content: Buffer;
}

export interface ActesReturnEvent {
  siren: string | null;
  numeroInterne: string | null;
  idActe: string | null;
  type: ActesReturn['type'];
  message: ActesReturn;
  /** The message XML first, then the documents it names. */
  files: ReturnFile[];
}

const isArchive = (name: string) => /\.(tar\.gz|tgz)$/i.test(name);

async function flatten(attachments: ReturnFile[], unreadable: Array<{ name: string; reason: string }>): Promise<ReturnFile[]> {
  const out: ReturnFile[] = [];
  for (const a of attachments) {
    if (isArchive(a.name)) {
      let entries: Awaited<ReturnType<typeof readArchive>>;
      try {
        entries = await readArchive(a.content);
      } catch (err) {
        // A decompression bomb is no return: set it aside (retrying the mail would only inflate it again).
        if (!(err instanceof ArchiveTooLarge)) throw err;
        unreadable.push({ name: a.name, reason: err.detail ?? err.message });
        continue;
      }
      for (const e of entries) if (e.type === 'File') out.push({ name: e.name.split('/').pop()!, content: e.content });
    } else out.push(a);
  }
  return out;
}

function documentsOf(m: ActesReturn): string[] {
  switch (m.type) {
    case 'CourrierSimple':
    case 'DemandePieceComplementaire':
    case 'LettreObservations':
      return [m.document];
    case 'DefereTA':
      return m.piecesJointes;
    default:
      return [];
  }
}

export async function extractReturns(
  attachments: ReturnFile[],
): Promise<{ returns: ActesReturnEvent[]; unreadable: Array<{ name: string; reason: string }> }> {
  const unreadable: Array<{ name: string; reason: string }> = [];
  const files = await flatten(attachments, unreadable);
  let destinataire: string | null = null;
  const messages: Array<{ file: ReturnFile; message: ActesReturn }> = [];
  for (const f of files.filter((x) => /\.xml$/i.test(x.name))) {
    try {
      const { root } = parseActesRoot(f.content);
      if (root === 'EnveloppeMISILLCL') destinataire = parseMinistryEnvelope(f.content).destinataireSiren || null;
      else messages.push({ file: f, message: parseActesReturn(f.content) });
    } catch (err) {
      // An XML that is only a document (e.g. an annex) is not a message: keep it as a file.
      if (!documentsNamed(messages).includes(f.name)) unreadable.push({ name: f.name, reason: (err as Error).message });
    }
  }
  const returns = messages.map(({ file, message }) => {
    const idActe = 'idActe' in message && message.idActe ? message.idActe : null;
    const parts = idActe ? parseIdActe(idActe) : null;
    const acte = message.type === 'ARActe' || message.type === 'AnomalieActe' ? message.acte : null;
    const siren = parts?.siren ?? (message.type === 'AnomalieEnveloppe' ? message.enveloppe.siren : null) ?? destinataire;
    const docs = documentsOf(message);
    return {
      siren: siren || destinataire,
      numeroInterne: acte?.numeroInterne || parts?.numeroInterne || null,
      idActe,
      type: message.type,
      message,
      files: [file, ...files.filter((f) => docs.includes(f.name))],
    };
  });
  return { returns, unreadable: unreadable.filter((u) => !returns.some((r) => r.files.some((f) => f.name === u.name))) };
}

function documentsNamed(messages: Array<{ message: ActesReturn }>): string[] {
  return messages.flatMap((m) => documentsOf(m.message));
}
