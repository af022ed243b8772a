/**
 * The département's trust list on this PC: a copy of `GET /api/v1/trust-list`
 * kept in `<dataDir>/trust-list.json` (0600), so signatures are judged the same
 * way offline (CRLs and the « bloquer les autorités non reconnues » setting included). Refreshed before the sync's push at most every REFRESH_MS, and
 * when a screen asks for a verdict with a stale copy.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type TrustCrl, type TrustList, trustListSchema } from '../../shared/acts/hub-routes.js';
import type { HubClient } from '../hub-client/hub-client.js';
import { makePrivate } from '../platform/private-files.js';

/** A CA the département adds reaches the PCs within this time (one small GET per PC). */
const REFRESH_MS = 5 * 60_000;
/** Offline, screens must not wait for the hub at every look: one attempt a minute at most. */
const RETRY_MS = 60_000;

interface StoredTrustList extends TrustList {
  fetchedAt: string;
}

export function createTrustList(dataDir: string, now: () => Date, log: Logger) {
  const file = join(dataDir, 'trust-list.json');
  let cached: StoredTrustList | null = null;
  let lastAttempt = 0;

  function current(): StoredTrustList | null {
    if (cached) return cached;
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt?: unknown };
      const parsed = trustListSchema.safeParse(raw);
      if (parsed.success && typeof raw.fetchedAt === 'string') cached = { ...parsed.data, fetchedAt: raw.fetchedAt };
    } catch {
      // No copy yet (never online since the update) or an unreadable one: the next refresh writes it.
    }
    return cached;
  }

  async function refresh(hub: HubClient | null): Promise<void> {
    if (!hub) return;
    const list = await hub.trustList();
    const stored: StoredTrustList = { ...list, fetchedAt: now().toISOString() };
    await writeFile(file, JSON.stringify(stored), { mode: 0o600 });
    await makePrivate(file);
    cached = stored;
  }

  return {
    /** PEM of the trusted CAs (empty when this PC never fetched the list). */
    anchors: (): string[] => current()?.anchors.map((a) => a.pem) ?? [],
    /** Revoked serials per listed CA (the CRLs the département added), kept for offline checks. */
    crls: (): TrustCrl[] => current()?.crls ?? [],
    /** « Bloquer les autorités non reconnues »: off until the list says otherwise. */
    requireListed: (): boolean => current()?.requireListed ?? false,
    fetchedAt: (): string | null => current()?.fetchedAt ?? null,
    /** Fetches the list when the copy is older than REFRESH_MS; offline, the copy stays as it is. */
    async refreshIfStale(hub: HubClient | null): Promise<void> {
      const at = current()?.fetchedAt;
      if (at && now().getTime() - Date.parse(at) < REFRESH_MS) return;
      if (now().getTime() - lastAttempt < RETRY_MS) return;
      lastAttempt = now().getTime();
      try {
        await refresh(hub);
      } catch (err) {
        log.info({ err: (err as Error).message }, 'trust list not refreshed');
      }
    },
  };
}

export type TrustListCopy = ReturnType<typeof createTrustList>;
