import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, parisDay } from '../../../shared/calendar.js';
import { syntheticFollowUp } from '../../../shared/electoral/synthetic-demand.js';
import { useSession } from '../session/store.js';
import { installFakeBridge, loggedIn } from '../testing/fake-bridge.js';
import { DemandReminders } from './DemandReminders.js';
import type { DemandRow } from './store.js';

const today = parisDay(new Date());
const radiation = (id: string, birthName: string, noticeDate: string): DemandRow => ({
  id,
  kind: 'radiation',
  status: 'instruction',
  electorId: `e-${id}`,
  applicant: { birthName, usageName: null, firstNames: 'Zoé', birthDate: '1990-05-01' },
  newAddress: null,
  newBureauCode: null,
  comment: null,
  createdBy: 'Claire',
  createdAtLocal: '2026-01-02T10:00:00Z',
  ...syntheticFollowUp(addDays(today, -40)),
  justificatifs: [],
  noticeDate,
  version: 1,
  pending: false,
});

describe('home tile of the demands: radiations whose answer window has passed', () => {
  beforeEach(() => useSession.setState({ session: loggedIn('maire') }));
  afterEach(cleanup);

  it('counts the radiations due (notice sent more than 15 days ago), not those still waiting for an answer', async () => {
    installFakeBridge({
      'electoral:demands': () => [
        radiation('00000000-0000-4000-8000-000000000001', 'PETIT', addDays(today, -16)),
        radiation('00000000-0000-4000-8000-000000000002', 'GRAND', addDays(today, -15)),
      ],
    });
    render(<DemandReminders />);
    await screen.findByText('1 radiation à décider : délai de réponse au préavis écoulé.');
    const list = screen.getByRole('list', { name: 'Radiations à décider' });
    expect(list.textContent).toContain('PETIT Zoé');
    expect(list.textContent).not.toContain('GRAND');
  });
});
