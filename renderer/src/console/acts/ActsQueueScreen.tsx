/** Placeholder until the screen's data routes land. */
export function ActsQueueScreen() {
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>File ACTES</h1>
      <p>Écran en cours de construction.</p>
    </main>
  );
}
