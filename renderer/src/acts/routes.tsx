import { actsDomain } from '../../../shared/acts/domain.js';
import { defineUi } from '../nav/ui-spec.js';
import { ActForm } from './ActForm.js';
import { ActPage } from './ActPage.js';
import { ActsScreen } from './ActsScreen.js';
import { CertificateScreen } from './CertificateScreen.js';
import { useActs } from './store.js';

export type ActsRoute = { name: 'acts' } | { name: 'act'; id: string } | { name: 'act-new' } | { name: 'act-certificate' };

/** Contrôle de légalité: the screens of the acts domain. */
export const actsUi = defineUi<ActsRoute>()({
  domain: actsDomain,
  group: 'Contrôle de légalité',
  screens: {
    acts: { title: 'Contrôle de légalité', permission: 'acts.read', menu: 'Actes', render: () => <ActsScreen /> },
    act: { title: 'Acte', permission: 'acts.read', parent: 'acts', render: (r) => <ActPage key={r.id} id={r.id} /> },
    'act-new': { title: 'Préparer un acte', permission: 'acts.draft', parent: 'acts', render: () => <ActForm /> },
    'act-certificate': {
      title: 'Certificat de signature',
      permission: 'acts.transmit',
      menu: 'Certificat de signature',
      render: () => <CertificateScreen />,
    },
  },
  tiles: [
    {
      text: 'Préparer, signer et transmettre les actes à la préfecture, suivre les accusés de réception.',
      open: { name: 'acts' },
      openLabel: 'Ouvrir le contrôle de légalité',
    },
  ],
  reset() {
    useActs.setState({ items: [], detail: null, certificate: null, progress: {}, answered: [], notice: null, error: null });
  },
});
