import { ConfirmDialog } from '../ui/ConfirmDialog.js';

/**
 * Before the mayor names a user for the owners (MAJIC): what the grant opens
 * and what the law asks of whoever holds it. Withdrawing asks nothing.
 */
export function OwnersGrantDialog({ name, onConfirm, onCancel }: { name: string; onConfirm(): void; onCancel(): void }) {
  return (
    <ConfirmDialog
      title="Autoriser la consultation des propriétaires ?"
      confirmLabel="Donner l’autorisation"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        {name} pourra consulter les fichiers MAJIC de la DGFiP : noms, adresses, dates et lieux de naissance des propriétaires, leurs droits
        et leurs parcelles. Ce sont des <strong>données personnelles</strong> : à consulter seulement pour les besoins du service ; chaque
        consultation et chaque relevé sont inscrits au journal que vous pouvez exporter.
      </p>
      <p>
        Un relevé remis à un tiers (article L107 A du livre des procédures fiscales) ne porte ni date ni lieu de naissance, et un même
        demandeur ne peut en recevoir plus de <strong>5 par semaine et 10 par mois civil</strong> (article R*107 A-3). Vous pouvez retirer
        cette autorisation à tout moment.
      </p>
    </ConfirmDialog>
  );
}
