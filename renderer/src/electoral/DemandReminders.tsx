import { useEffect } from 'react';
import { parisDay } from '../../../shared/calendar.js';
import { runningTimers, TIMER_LABELS, timerText, type DemandTimer } from '../../../shared/electoral/demand-timers.js';
import { answerWindowEnd, radiationsToDecide } from '../../../shared/electoral/radiation-notice.js';
import { useNav } from '../nav/store.js';
import { useSync } from '../sync/store.js';
import { formatBirthDate } from '../ui/format.js';
import { useDemands } from './store.js';

/** A timer as a badge: red and « En retard de n jours » when late (the words, not the colour alone). */
export function TimerBadge({ timer }: { timer: DemandTimer }) {
  const cls = timer.late ? 'badge badge-late' : timer.daysLeft <= 1 ? 'badge badge-due' : 'badge badge-soon';
  return (
    <span className={cls}>
      {TIMER_LABELS[timer.step]} : {timerText(timer)} (échéance {formatBirthDate(timer.due)})
    </span>
  );
}

/** Home tile body: the demands whose legal deadline runs, the late ones first. */
export function DemandReminders() {
  const { items, load } = useDemands();
  const go = useNav((s) => s.go);
  const syncMark = useSync((s) => s.state?.lastSuccessAt ?? '');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a sync that ran may have brought demands
  useEffect(() => {
    void load(null);
  }, [load, syncMark]);
  const today = parisDay(new Date());
  const timers = runningTimers(items, today);
  const late = timers.filter((t) => t.late).length;
  const toDecide = radiationsToDecide(items, today);
  if (timers.length === 0 && toDecide.length === 0) return <p className="muted">Aucun délai de demande en cours.</p>;
  const byId = new Map(items.map((d) => [d.id, d]));
  return (
    <div>
      {toDecide.length > 0 ? (
        <>
          <p>
            <strong>
              {toDecide.length} radiation{toDecide.length > 1 ? 's' : ''} à décider : délai de réponse au préavis écoulé.
            </strong>
          </p>
          <ul className="reminders" aria-label="Radiations à décider">
            {toDecide.slice(0, 4).map((w) => {
              const d = byId.get(w.demandId)!;
              return (
                <li key={w.demandId}>
                  <button type="button" className="link" onClick={() => go({ name: 'demand', id: w.demandId })}>
                    {d.applicant.birthName} {d.applicant.firstNames}
                  </button>{' '}
                  <span className="badge badge-due">Délai de réponse écoulé le {formatBirthDate(answerWindowEnd(d.noticeDate!))}</span>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
      {timers.length > 0 ? (
        <p>
          <strong>
            {timers.length} délai{timers.length > 1 ? 's' : ''} en cours
            {late > 0 ? `, dont ${late} en retard` : ''}.
          </strong>
        </p>
      ) : null}
      <ul className="reminders" aria-label="Délais des demandes">
        {timers.slice(0, 4).map((t) => {
          const d = byId.get(t.demandId)!;
          return (
            <li key={`${t.demandId}-${t.step}`}>
              <button type="button" className="link" onClick={() => go({ name: 'demand', id: t.demandId })}>
                {d.applicant.birthName} {d.applicant.firstNames}
              </button>{' '}
              <TimerBadge timer={t} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
