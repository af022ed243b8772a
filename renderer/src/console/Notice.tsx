/** The outcome of the last action, announced to screen readers. */
export function Notice({ notice }: { notice: { ok: boolean; message: string } | null }) {
  if (!notice) return null;
  return (
    <div className={notice.ok ? 'alert alert-success' : 'alert alert-error'} role={notice.ok ? 'status' : 'alert'}>
      <p>{notice.message}</p>
    </div>
  );
}

export function LoadError({ error }: { error: string | null }) {
  return error ? (
    <div className="alert alert-error" role="alert">
      <p>{error}</p>
    </div>
  ) : null;
}
