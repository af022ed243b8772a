import { useEffect } from 'react';
import { frenchDay, parisDay } from '../../../shared/calendar.js';
import { pollReminders } from '../../../shared/electoral/poll-calendar.js';
import { useNav } from '../nav/store.js';
import { useCan } from '../session/store.js';
import { usePolls } from './polls-store.js';

/** Home screen: the steps of the coming polls under way today or within two weeks. */
export function PollReminders() {
  const can = useCan('electoral.read');
  const { polls, load } = usePolls();
  const go = useNav((s) => s.go);
  useEffect(() => {
    if (can) void load();
  }, [can, load]);
  if (!can) return null;
  const today = parisDay(new Date());
  const items = polls.flatMap((p) => pollReminders(p.date, today).map((r) => ({ poll: p, ...r })));
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="poll-reminders" className="reminders">
      <h2 id="poll-reminders">Scrutins : à faire</h2>
      <ul>
        {items.map(({ poll, step, state, inDays }) => (
          <li key={`${poll.id}-${step.id}`} className={state === 'en-cours' ? 'reminder-now' : undefined}>
            <strong>{step.label}</strong> ({poll.label} du {frenchDay(poll.date)}) —{' '}
            {state === 'en-cours'
              ? `en cours, jusqu’au ${frenchDay(step.to)}`
              : `dans ${inDays} jour${inDays > 1 ? 's' : ''}, le ${frenchDay(step.from)}`}
            {step.holiday ? ` (jour férié : ${step.holiday})` : ''}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => go({ name: 'polls' })}>
        Ouvrir les scrutins
      </button>
    </section>
  );
}
