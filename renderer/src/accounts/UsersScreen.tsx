import { useEffect, useState, type FormEvent } from 'react';
import { roleLabel } from '../../../shared/accounts/collectivites.js';
import type { CommuneRole } from '../../../shared/accounts/roles.js';
import { createUserRequestSchema } from '../../../shared/accounts/types.js';
import { useConfirmedAction } from '../ui/ConfirmDialog.js';
import { ErrorSummary, Field, LiveMessage, SelectField } from '../ui/Field.js';
import { ListTable } from '../ui/ListTable.js';
import { fieldErrors } from '../ui/validate.js';
import { useSession } from '../session/store.js';
import { OwnersGrantDialog } from './OwnersGrantDialog.js';
import { OWNERS_READ, useAccounts } from './store.js';
import { TemporaryPasswords } from './TemporaryPasswords.js';

/** A temporary password easy to dictate: no look-alike characters. */
/** In the order of the form (the error summary follows it). */
const LABELS: Record<string, string> = {
  displayName: 'Nom et prénom',
  username: 'Identifiant',
  role: 'Rôle',
  password: 'Mot de passe provisoire',
};

export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

const GRANT_COLUMN = 'Consultation des propriétaires (MAJIC)';

const CREATABLE: CommuneRole[] = ['secretaire', 'consultation'];

export function UsersScreen() {
  const { users, loading, error, notice, loadUsers, createUser, disableUser, resetPassword, setOwnersGrant } = useAccounts();
  const kind = useSession((s) => s.session?.commune?.kind);
  // The consultation of owners is granted only where the département loaded MAJIC (service « majic »).
  const majic = useSession((s) => s.session?.services.includes('majic') ?? false);
  const [granting, setGranting] = useState<{ id: string; name: string } | null>(null);
  const [v, setV] = useState({ username: '', displayName: '', role: 'secretaire' as CommuneRole, password: temporaryPassword() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitted, setSubmitted] = useState(0);
  // After a creation the form stays hidden until « Créer un autre compte »: the
  // only password on screen is then the one the account was created with (the
  // notice names it), never a fresh random one the person would be told by mistake.
  const [created, setCreated] = useState(false);
  const disable = useConfirmedAction({
    title: 'Désactiver ce compte ?',
    confirmLabel: 'Désactiver',
    body: (u: { id: string; name: string }) => <p>{u.name} ne pourra plus se connecter à Guichet.</p>,
    act: (u) => void disableUser(u.id),
  });

  const reset = useConfirmedAction({
    title: 'Réinitialiser le mot de passe ?',
    confirmLabel: 'Réinitialiser le mot de passe',
    body: (u: { id: string; name: string }) => (
      <p>
        {u.name} recevra un mot de passe provisoire, affiché une seule fois ici, et devra en choisir un nouveau à sa prochaine connexion.
        Ses sessions ouvertes sont fermées.
      </p>
    ),
    act: (u) => void resetPassword(u.id),
  });

  useEffect(() => {
    void loadUsers();
  }, [loadUsers]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = fieldErrors(createUserRequestSchema, v);
    setErrors(checked.ok ? {} : checked.errors);
    setSubmitted((n) => n + 1);
    if (!checked.ok) return;
    if (await createUser(checked.value)) setCreated(true);
  }

  function another() {
    setV({ username: '', displayName: '', role: 'secretaire', password: temporaryPassword() });
    setCreated(false);
    useAccounts.setState({ notice: null });
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Comptes de la mairie</h1>
      <LiveMessage error={error} status={notice ?? (loading ? 'Chargement…' : null)} />
      <ListTable
        caption="Personnes ayant un compte"
        columns={['Nom', 'Identifiant', 'Rôle', 'État', ...(majic ? [GRANT_COLUMN] : []), 'Action']}
        items={users}
        cells={(u) => [
          u.displayName,
          u.username,
          roleLabel(kind, u.role),
          u.disabled ? 'Désactivé' : 'Actif',
          ...(majic
            ? [
                <label className="radio" key="grant">
                  <input
                    type="checkbox"
                    aria-label={`Consultation des propriétaires (MAJIC) pour ${u.displayName}`}
                    checked={u.grants?.includes(OWNERS_READ) ?? false}
                    disabled={loading || u.disabled}
                    onChange={(e) => {
                      if (e.target.checked) setGranting({ id: u.id, name: u.displayName });
                      else void setOwnersGrant(u.id, false);
                    }}
                  />{' '}
                  {u.grants?.includes(OWNERS_READ) ? 'Autorisé' : 'Non'}
                </label>,
              ]
            : []),
          !u.disabled && u.role !== 'maire' ? (
            <div className="actions" key="actions">
              {reset.button({ id: u.id, name: u.displayName }, `Réinitialiser le mot de passe de ${u.displayName}`)}
              {disable.button({ id: u.id, name: u.displayName }, `Désactiver le compte de ${u.displayName}`)}
            </div>
          ) : null,
        ]}
      />
      <TemporaryPasswords />

      <h2>Créer un compte</h2>
      {created ? (
        <div className="actions">
          <button type="button" onClick={another}>
            Créer un autre compte
          </button>
        </div>
      ) : (
        <>
          <ErrorSummary key={submitted} errors={errors} labels={LABELS} />
          <form onSubmit={submit} noValidate className="narrow-form">
            <Field
              label="Nom et prénom"
              value={v.displayName}
              onChange={(e) => setV({ ...v, displayName: e.target.value })}
              error={errors.displayName}
            />
            <Field
              label="Identifiant"
              hint="Lettres sans accent, chiffres, point ou tiret."
              value={v.username}
              onChange={(e) => setV({ ...v, username: e.target.value })}
              error={errors.username}
              autoComplete="off"
            />
            <SelectField
              label="Rôle"
              id="new-user-role"
              value={v.role}
              onChange={(e) => setV({ ...v, role: e.target.value as CommuneRole })}
            >
              {CREATABLE.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(kind, r)}
                  {r === 'consultation' ? ' (ne voit pas les données des électeurs)' : ''}
                </option>
              ))}
            </SelectField>
            <Field
              label="Mot de passe provisoire"
              hint="Proposé au hasard. À communiquer à la personne de vive voix, jamais par courriel."
              value={v.password}
              onChange={(e) => setV({ ...v, password: e.target.value })}
              error={errors.password}
              autoComplete="off"
              spellCheck={false}
            />
            <div className="actions">
              <button type="submit" className="primary" disabled={loading}>
                Créer le compte
              </button>
              <button type="button" onClick={() => setV({ ...v, password: temporaryPassword() })}>
                Autre mot de passe
              </button>
            </div>
          </form>
        </>
      )}
      {disable.dialog}
      {reset.dialog}
      {granting && (
        <OwnersGrantDialog
          name={granting.name}
          onCancel={() => setGranting(null)}
          onConfirm={() => {
            void setOwnersGrant(granting.id, true);
            setGranting(null);
          }}
        />
      )}
    </main>
  );
}
