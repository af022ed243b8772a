import { useState } from 'react';
import { ChangePasswordForm } from '../session/ChangePasswordForm.js';
import { useSession } from '../session/store.js';

/** « Mon compte »: every user changes their own password (the other sessions of the account end; this PC stays logged in). */
export function MyAccountScreen() {
  const session = useSession((s) => s.session);
  const [done, setDone] = useState(0);
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Mon compte</h1>
      <p>
        {session?.user?.displayName} — identifiant « {session?.user?.username} »{session?.commune ? `, ${session.commune.name}` : ''}.
      </p>
      <h2>Changer mon mot de passe</h2>
      <div role="status" className={done > 0 ? 'alert alert-info' : 'sr-empty'}>
        {done > 0 ? 'Votre mot de passe est changé. Vos autres sessions sont fermées ; ce poste reste connecté.' : ''}
      </div>
      <ChangePasswordForm key={done} currentLabel="Mot de passe actuel" onDone={() => setDone((n) => n + 1)} />
    </main>
  );
}
