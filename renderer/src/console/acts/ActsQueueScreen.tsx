import { useState } from 'react';
import type { ConsoleTransmission } from '../../../../shared/console/views.js';
import { ListTable } from '../../ui/ListTable.js';
import { consoleApi } from '../api.js';
import { LoadError, Notice } from '../Notice.js';
import { frDateTime, runAction, useLoad } from '../useLoad.js';
import { useIsAdmin } from '../useStaff.js';
import { plural } from '../../ui/format.js';

const KIND_LABELS: Record<ConsoleTransmission['kind'], string> = {
  acte: 'Acte',
  annulation: 'Annulation',
  answer: 'Réponse',
  classification: 'Classification',
};

/** Transmissions that need a person: failed ones (requeue) and uncertain ones (requeue the same archive, or resolve). */
export function ActsQueueScreen() {
  const { data, error, reload } = useLoad<ConsoleTransmission[]>('actes');
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);
  const admin = useIsAdmin();

  async function act(fn: () => Promise<unknown>, success: string) {
    setNotice(await runAction(fn, success));
    reload();
  }

  return (
    <main id="contenu" tabIndex={-1}>
      <h1>File ACTES</h1>
      <p className="muted">
        Transmissions à la préfecture en échec ou incertaines, toutes collectivités. Relancer ne renvoie jamais ce que la préfecture a reçu
        : une transmission incertaine repart avec la même archive, une transmission en échec est reconstruite.
      </p>
      <Notice notice={notice} />
      <LoadError error={error} />
      {data && data.length === 0 ? <p>Aucune transmission en attente d’une action.</p> : null}
      {data && data.length > 0 ? (
        <ListTable
          caption={plural(data.length, 'transmission', 'transmissions')}
          empty="Aucune transmission dans la file."
          columns={['Collectivité', 'Type', 'État', 'Essais', 'Dernière erreur', 'Mise à jour', 'Actions']}
          items={data}
          cells={(t) => [
            `${t.collectivite.name} (${t.collectivite.code})`,
            KIND_LABELS[t.kind],
            t.state === 'failed' ? (
              <span key="s" className="badge badge-offline">
                En échec
              </span>
            ) : (
              <span key="s" className="badge badge-pending">
                Incertaine
              </span>
            ),
            String(t.attempts),
            <span className="small" key="e">
              {t.error ?? '—'}
            </span>,
            frDateTime(t.updatedAt),
            admin ? (
              <div className="toolbar" key="a">
                <button
                  type="button"
                  onClick={() => void act(() => consoleApi('POST', `actes/${t.id}/requeue`), 'Transmission relancée.')}
                  aria-label={`Relancer la transmission de ${t.collectivite.name}`}
                >
                  Relancer
                </button>
                {t.state === 'uncertain' ? (
                  <>
                    <button
                      type="button"
                      onClick={() =>
                        void act(
                          () => consoleApi('POST', `actes/${t.id}/resolve`, { outcome: 'transmis' }),
                          'Notée comme reçue par la préfecture.',
                        )
                      }
                    >
                      Reçue sur @CTES
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        void act(
                          () => consoleApi('POST', `actes/${t.id}/resolve`, { outcome: 'failed' }),
                          'Notée comme absente : elle peut être relancée.',
                        )
                      }
                    >
                      Absente de @CTES
                    </button>
                  </>
                ) : null}
              </div>
            ) : (
              <span className="muted small" key="a">
                Réservé aux administrateurs
              </span>
            ),
          ]}
        />
      ) : null}
    </main>
  );
}
