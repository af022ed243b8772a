import { useState } from 'react';
import { SERVICE_LABELS } from '../../../../shared/accounts/roles.js';
import type { ConsoleCollectivite } from '../../../../shared/console/views.js';
import { ListTable } from '../../ui/ListTable.js';
import { consoleApi } from '../api.js';
import { LoadError, Notice } from '../Notice.js';
import { runAction, useLoad } from '../useLoad.js';
import { useIsAdmin } from '../useStaff.js';
import { plural } from '../../ui/format.js';

const frDay = (ymd: string | null) => (ymd ? ymd.split('-').reverse().join('/') : '—');

/** Collectivités: convention, services, enrollment codes, accounts (logins and roles only), update channel. */
export function CollectivitesScreen() {
  const { data, error, reload } = useLoad<ConsoleCollectivite[]>('collectivites');
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);
  const admin = useIsAdmin();

  async function setChannel(c: ConsoleCollectivite, channel: 'stable' | 'pilote') {
    setNotice(
      await runAction(
        () => consoleApi('PUT', `collectivites/${c.code}/settings`, { updateChannel: channel }),
        `${c.name} suit maintenant le canal ${channel}.`,
      ),
    );
    reload();
  }

  async function issueCode(c: ConsoleCollectivite) {
    try {
      const issued = await consoleApi<{ code: string; expiresAt: string }>('POST', `collectivites/${c.code}/enrollment-code`);
      setNotice({
        ok: true,
        message: `Code d’inscription pour ${c.name} : ${issued.code} (valable jusqu’au ${new Date(issued.expiresAt).toLocaleDateString('fr-FR')}). Il ne sera plus affiché.`,
      });
    } catch (err) {
      setNotice(await runAction(() => Promise.reject(err), ''));
    }
    reload();
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Collectivités</h1>
      <Notice notice={notice} />
      <LoadError error={error} />
      {data ? (
        <ListTable
          caption={plural(data.length, 'collectivité', 'collectivités')}
          empty="Aucune collectivité n’est encore inscrite (commande « guichet hub admin add-collectivite »)."
          columns={['Collectivité', 'Convention', 'Services', 'Codes d’inscription', 'Comptes', 'Postes', 'Canal', 'Actions']}
          items={data}
          cells={(c) => [
            <span key="n">
              <span className="strong">{c.name}</span>
              <br />
              <span className="small muted">{c.code}</span>
            </span>,
            frDay(c.conventionDate),
            c.services.map((s) => SERVICE_LABELS[s]).join(', ') || 'aucun',
            `${plural(c.enrollmentCodes.active, 'valable', 'valables')}, ${plural(c.enrollmentCodes.used, 'utilisé', 'utilisés')}`,
            <span className="small" key="u">
              {c.accounts.map((a) => `${a.username} (${a.role}${a.disabled ? ', désactivé' : ''})`).join(', ') || 'aucun'}
            </span>,
            String(c.activeDevices),
            c.updateChannel === 'pilote' ? 'Pilote' : 'Stable',
            admin ? (
              <div className="toolbar" key="a">
                <button type="button" onClick={() => void setChannel(c, c.updateChannel === 'pilote' ? 'stable' : 'pilote')}>
                  {c.updateChannel === 'pilote' ? 'Remettre sur stable' : 'Mettre sur pilote'}
                </button>
                <button type="button" onClick={() => void issueCode(c)} aria-label={`Émettre un code d’inscription pour ${c.name}`}>
                  Code d’inscription
                </button>
              </div>
            ) : (
              '—'
            ),
          ]}
        />
      ) : null}
    </main>
  );
}
