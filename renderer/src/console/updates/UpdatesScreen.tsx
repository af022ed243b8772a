/** Placeholder until the screen's data routes land. */
export function UpdatesScreen() {
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Mises à jour</h1>
      <p>Écran en cours de construction.</p>
    </main>
  );
}
