/** Placeholder until the screen's data routes land. */
export function AuditScreen() {
  return (
    <main id="contenu" tabIndex={-1}>
      <h1>Journal</h1>
      <p>Écran en cours de construction.</p>
    </main>
  );
}
