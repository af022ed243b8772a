import { useState } from 'react';
import type { UpdatesView } from '../../../../shared/console/views.js';
import { ListTable } from '../../ui/ListTable.js';
import { consoleApi } from '../api.js';
import { LoadError, Notice } from '../Notice.js';
import { frDateTime, runAction, useLoad } from '../useLoad.js';
import { useIsAdmin } from '../useStaff.js';
import { plural } from '../../ui/format.js';

type Channel = UpdatesView['channels'][number];

function RolloutForm({ channel, onDone }: { channel: Channel; onDone(n: { ok: boolean; message: string }): void }) {
  const [percent, setPercent] = useState(String(channel.stagingPercentage));
  const id = `rollout-${channel.channel}`;
  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        void runAction(
          () => consoleApi('PUT', `updates/${channel.channel}`, { stagingPercentage: Number(percent) }),
          `Canal ${channel.channel} : ${percent} % des postes.`,
        ).then(onDone);
      }}
    >
      <div className="field">
        <label htmlFor={id}>Part des postes (%)</label>
        <input id={id} type="number" min={0} max={100} value={percent} onChange={(e) => setPercent(e.target.value)} />
      </div>
      <button type="submit">Appliquer</button>
    </form>
  );
}

/** Update channels (stable, pilote): version, staged rollout, pause, rollback; the fleet by version. */
export function UpdatesScreen() {
  const { data, error, reload } = useLoad<UpdatesView>('updates');
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);
  const admin = useIsAdmin();
  const done = (n: { ok: boolean; message: string }) => {
    setNotice(n);
    reload();
  };

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Mises à jour</h1>
      <p className="muted">
        Publier une version : <code>guichet hub admin updates publish --channel stable DOSSIER</code>. Un poste n’installe jamais pendant un
        import, une signature, une transmission ou une session d’assistance.
      </p>
      <Notice notice={notice} />
      <LoadError error={error} />
      {data?.channels.map((c) => (
        <section key={c.channel} aria-labelledby={`canal-${c.channel}`}>
          <h2 id={`canal-${c.channel}`}>Canal {c.channel === 'pilote' ? 'pilote' : 'stable'}</h2>
          <p>
            Version courante : <span className="strong">{c.currentVersion ?? 'aucune publiée'}</span>
            {c.previousVersion ? `, précédente : ${c.previousVersion}` : ''} —{' '}
            {c.paused ? 'déploiement en pause' : `proposée à ${c.stagingPercentage} % des postes`} —{' '}
            {plural(c.collectivites, 'collectivité', 'collectivités')} sur ce canal.
          </p>
          {admin && c.currentVersion ? (
            <div className="toolbar">
              <RolloutForm channel={c} onDone={done} />
              <button
                type="button"
                onClick={() =>
                  void runAction(
                    () => consoleApi('PUT', `updates/${c.channel}`, { paused: !c.paused }),
                    c.paused ? 'Déploiement repris.' : 'Déploiement en pause.',
                  ).then(done)
                }
              >
                {c.paused ? 'Reprendre' : 'Mettre en pause'}
              </button>
              {c.previousVersion ? (
                <button
                  type="button"
                  onClick={() =>
                    void runAction(() => consoleApi('POST', `updates/${c.channel}/rollback`), `Version ${c.currentVersion} retirée.`).then(
                      done,
                    )
                  }
                >
                  Retirer {c.currentVersion}
                </button>
              ) : null}
            </div>
          ) : null}
          {c.releases.length > 0 ? (
            <ListTable
              caption={`Versions publiées sur ${c.channel}`}
              columns={['Version', 'Publiée le', 'Par', 'État']}
              items={c.releases.map((r) => ({ ...r, id: r.version }))}
              cells={(r) => [
                r.version,
                frDateTime(r.publishedAt),
                r.publishedBy,
                r.withdrawnAt ? `retirée le ${frDateTime(r.withdrawnAt)}` : 'publiée',
              ]}
            />
          ) : null}
        </section>
      ))}
      {data ? (
        <section aria-labelledby="parc">
          <h2 id="parc">Parc par version</h2>
          {data.fleet.length === 0 ? (
            <p>Aucun poste inscrit.</p>
          ) : (
            <ListTable
              caption="Postes actifs par version signalée"
              columns={['Version', 'Postes']}
              items={data.fleet.map((f) => ({ ...f, id: f.version ?? 'inconnue' }))}
              cells={(f) => [f.version ?? 'jamais signalée', String(f.postes)]}
            />
          )}
        </section>
      ) : null}
    </main>
  );
}
