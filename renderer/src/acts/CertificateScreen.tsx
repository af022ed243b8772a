import { useEffect, useState, type FormEvent } from 'react';
import type { CertificateChecks, CertificateInfo } from '../../../shared/acts/ipc.js';
import { useNav } from '../nav/store.js';
import { FileInput } from '../ui/FileInput.js';
import { ErrorSummary, Field, LiveMessage } from '../ui/Field.js';
import { useActs } from './store.js';
import { formatDay } from './parts.js';

const DAY = 24 * 3600 * 1000;
/** Renewing a RGS certificate takes weeks: warn two months ahead. */
export const EXPIRY_WARNING_DAYS = 60;

/** What to tell about the validity of a certificate, or null when all is fine. */
export function expiryWarning(cert: CertificateInfo, now = new Date()): { level: 'error' | 'warning'; text: string } | null {
  const notAfter = new Date(cert.notAfter);
  const notBefore = new Date(cert.notBefore);
  if (notBefore.getTime() > now.getTime())
    return {
      level: 'error',
      text: `Ce certificat n'est valable qu'à partir du ${formatDay(cert.notBefore)} : il ne peut pas encore signer.`,
    };
  if (notAfter.getTime() < now.getTime())
    return {
      level: 'error',
      text: `Ce certificat a expiré le ${formatDay(cert.notAfter)} : il ne peut plus signer. Demandez un nouveau certificat à votre autorité de certification.`,
    };
  const days = Math.ceil((notAfter.getTime() - now.getTime()) / DAY);
  if (days <= EXPIRY_WARNING_DAYS)
    return {
      level: 'warning',
      text: `Ce certificat expire le ${formatDay(cert.notAfter)}, dans ${days} jour${days > 1 ? 's' : ''}. Pensez à demander son renouvellement dès maintenant.`,
    };
  return null;
}

/** Whose certificate it is and whether the département recognises its authority, as warnings to read before signing. */
export function CertificateChecksNotice({ checks }: { checks: CertificateChecks | undefined }) {
  if (!checks) return null;
  const { collectivite, trust } = checks;
  return (
    <>
      {collectivite.verdict === 'mismatch' ? <p className="alert alert-error">{collectivite.message}</p> : null}
      {collectivite.verdict === 'no_siren' ? (
        <p className="alert alert-warning">
          Ce certificat ne porte pas de SIREN : à chaque signature, le signataire confirme qu’il est celui de la collectivité (la
          confirmation est inscrite dans l’historique de l’acte).
        </p>
      ) : null}
      {trust.refusal ? (
        <p className="alert alert-error">{trust.refusal}</p>
      ) : trust.trusted ? null : (
        <p className="alert alert-warning">
          L’autorité qui a délivré ce certificat n’est pas dans la liste de confiance du département
          {trust.listFetchedAt ? '' : ' (liste pas encore reçue du hub)'} : ses signatures seront dites « certificat non reconnu ».
        </p>
      )}
    </>
  );
}

function sirenLine(checks: CertificateChecks): string {
  const { collectivite } = checks;
  if (collectivite.verdict === 'match') return `${collectivite.siren} — celui de la collectivité`;
  if (collectivite.verdict === 'mismatch') return `${collectivite.siren} — une autre collectivité`;
  return 'aucun';
}

export function CertificateCard({ cert }: { cert: CertificateInfo }) {
  const warning = expiryWarning(cert);
  const checks = cert.checks;
  return (
    <>
      <dl className="fiche">
        <dt>Titulaire</dt>
        <dd>{cert.holder}</dd>
        {cert.organisation ? (
          <>
            <dt>Organisme</dt>
            <dd>{cert.organisation}</dd>
          </>
        ) : null}
        <dt>Délivré par</dt>
        <dd>{cert.issuer}</dd>
        <dt>Valable</dt>
        <dd>
          du {formatDay(cert.notBefore)} au {formatDay(cert.notAfter)}
        </dd>
        <dt>Numéro de série</dt>
        <dd className="small">{cert.serial}</dd>
        {checks ? (
          <>
            <dt>SIREN</dt>
            <dd>{sirenLine(checks)}</dd>
            <dt>Autorité</dt>
            <dd>{checks.trust.trusted ? `reconnue par le département (${checks.trust.ca})` : 'non reconnue par le département'}</dd>
            <dt>Empreinte SHA-256</dt>
            <dd className="small fingerprint">{checks.sha256}</dd>
          </>
        ) : null}
      </dl>
      {warning ? <p className={warning.level === 'error' ? 'alert alert-error' : 'alert alert-warning'}>{warning.text}</p> : null}
      <CertificateChecksNotice checks={checks} />
    </>
  );
}

/**
 * The signing certificate of this PC (a .p12 file from the certification
 * authority). The password goes to the core with the file and is forgotten here.
 */
export function CertificateScreen() {
  const go = useNav((s) => s.go);
  const { certificate, loadCertificate, importCertificate, busy, error, notice, clearMessages } = useActs();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitted, setSubmitted] = useState(0);

  useEffect(() => {
    clearMessages();
    void loadCertificate();
  }, [loadCertificate, clearMessages]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!file) found.file = 'Choisissez le fichier du certificat (.p12 ou .pfx).';
    if (!password) found.password = 'Saisissez le mot de passe du certificat.';
    setErrors(found);
    setSubmitted((n) => n + 1);
    if (!file || !password) return;
    const content = new Uint8Array(await file.arrayBuffer());
    const given = password;
    setPassword('');
    if (await importCertificate({ fileName: file.name, content }, given)) setFile(null);
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Certificat de signature</h1>
      <p className="muted">
        Le certificat électronique du maire (fichier .p12 remis par l'autorité de certification) sert à signer les actes sur ce poste.
      </p>
      <LiveMessage error={error} status={busy === 'certificate' ? 'Lecture du certificat…' : notice} />
      <h2>Certificat installé</h2>
      {certificate ? <CertificateCard cert={certificate} /> : <p>Aucun certificat n'est installé sur ce poste.</p>}
      <h2>{certificate ? 'Remplacer le certificat' : 'Importer un certificat'}</h2>
      <ErrorSummary key={submitted} errors={errors} labels={{ file: 'Fichier', password: 'Mot de passe' }} />
      <form onSubmit={submit} noValidate className="narrow-form">
        <div className={errors.file ? 'field field-error' : 'field'}>
          <label id="cert-file-label" htmlFor="cert-file">
            Fichier du certificat
          </label>
          <p className="hint" id="cert-file-hint">
            Un fichier .p12 ou .pfx.
          </p>
          {errors.file ? (
            <p className="error-text" id="cert-file-error">
              {errors.file}
            </p>
          ) : null}
          <FileInput
            id="cert-file"
            accept=".p12,.pfx,application/x-pkcs12"
            invalid={!!errors.file}
            describedBy={errors.file ? 'cert-file-hint cert-file-error' : 'cert-file-hint'}
            chosen={file ? [file.name] : []}
            onFiles={(files) => setFile(files[0] ?? null)}
          />
        </div>
        <Field
          id="cert-password"
          label="Mot de passe du certificat"
          hint="Celui donné avec le certificat. Il n'est pas conservé : il sera redemandé à chaque signature."
          type="password"
          autoComplete="off"
          value={password}
          error={errors.password ?? null}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy === 'certificate'}>
            Importer le certificat
          </button>
          <button type="button" onClick={() => go({ name: 'acts' })}>
            Retour aux actes
          </button>
        </div>
      </form>
    </main>
  );
}
