import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_BACKENDS } from '../../test-support.js';
import { nowIso } from '../dialect.js';
import { openAt } from './migration-test-support.js';

describe.each(TEST_BACKENDS)('migration 014-files (%s)', (backend) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it("renames the acts' file tables for every domain, tags what they held `acts`, and keeps the bytes; down restores them", async () => {
    const t = await openAt(backend, '013-assistance');
    dispose = t.dispose;
    const { db } = t;
    const id = randomUUID();
    const now = nowIso();
    await db
      .insertInto('collectivites')
      .values({
        id,
        kind: 'commune',
        siren: '211003876',
        insee: '10387',
        name: 'Troyes',
        arrondissement: null,
        services: '["acts"]',
        created_at: now,
      })
      .execute();
    const sha = 'ab'.repeat(32);
    await db
      .insertInto('acts_files')
      .values({ commune_id: id, sha256: sha, size: 3, received: 3, complete: 1, created_at: '2026-01-02T03:04:05.000Z', completed_at: now })
      .execute();
    await db
      .insertInto('acts_file_chunks')
      .values({ commune_id: id, sha256: sha, pos: 0, data: Buffer.from('abc') })
      .execute();

    expect((await t.migrateTo('014-files')).error).toBeUndefined();
    expect(await db.selectFrom('files').select(['sha256', 'size', 'complete']).execute()).toEqual([{ sha256: sha, size: 3, complete: 1 }]);
    const chunk = await db.selectFrom('file_chunks').select('data').executeTakeFirstOrThrow();
    expect(Buffer.from(chunk.data as Uint8Array).toString()).toBe('abc');
    expect(await db.selectFrom('file_tags').selectAll().execute()).toEqual([
      { commune_id: id, sha256: sha, domain: 'acts', tagged_at: '2026-01-02T03:04:05.000Z' },
    ]);
    // One tag per (file, domain); a tag names a file that exists.
    await expect(
      db.insertInto('file_tags').values({ commune_id: id, sha256: sha, domain: 'acts', tagged_at: now }).execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('file_tags')
        .values({ commune_id: id, sha256: 'cd'.repeat(32), domain: 'electoral', tagged_at: now })
        .execute(),
    ).rejects.toThrow();
    await expect(sql`SELECT 1 FROM acts_files`.execute(db)).rejects.toThrow();

    expect((await t.migrateTo('013-assistance')).error).toBeUndefined();
    expect(await db.selectFrom('acts_files').select('sha256').execute()).toEqual([{ sha256: sha }]);
    await expect(sql`SELECT 1 FROM file_tags`.execute(db)).rejects.toThrow();
  });
});
