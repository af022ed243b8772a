/** Placeholder until the screen's data routes land. */
export function CollectivitesScreen() {
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Collectivités</h1>
      <p>Écran en cours de construction.</p>
    </main>
  );
}
