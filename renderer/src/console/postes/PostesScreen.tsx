/** Placeholder until the screen's data routes land. */
export function PostesScreen() {
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Postes</h1>
      <p>Écran en cours de construction.</p>
    </main>
  );
}
