import { assistanceDomain } from '../../../shared/assistance/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { HistoryScreen } from './HistoryScreen.js';
import { useAssistanceHistory } from './store.js';

export type AssistanceRoute = { name: 'assistance-history' };

/** Assistance à distance: the mayor's list of past sessions (the « Demander de l'aide » button is in the app's frame, AssistanceDock). */
export const assistanceUi = defineUi<AssistanceRoute>()({
  domain: assistanceDomain,
  group: 'Assistance',
  screens: {
    'assistance-history': {
      title: "Sessions d'assistance",
      permission: 'assistance.history',
      menu: "Sessions d'assistance",
      render: () => <HistoryScreen />,
    },
  },
  tiles: [],
  reset() {
    useAssistanceHistory.getState().reset();
  },
});
