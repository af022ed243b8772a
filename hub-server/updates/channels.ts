import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import semver from 'semver';
import { parse, stringify } from 'yaml';
import { UPDATE_CHANNELS, type UpdateChannelName, type UpdatesView } from '../../shared/console/views.js';
import { GuichetError } from '../../shared/errors.js';
import { type AuditActor, audit } from '../console/audit.js';
import { nowIso } from '../db/dialect.js';
import type { HubDatabase } from '../db/schema.js';

/**
 * The electron-builder feed per channel (`stable`, `pilote`), with a staged rollout decided by the
 * hub: a device is in the rollout when its bucket (sha256 of its device id, 0–100, stable forever)
 * is below the channel's percentage. It is then offered the channel's current version; otherwise
 * (or while the channel is paused) the previous one. Rollback withdraws the current version.
 * Artifacts live flat in the hub's updates folder (old blockmaps stay: differential downloads
 * need them) and are never overwritten with other bytes; the yml texts live in `update_releases`.
 */
export const FEED_FILES = ['latest.yml', 'latest-linux.yml', 'latest-mac.yml'] as const;

interface FeedFile {
  url: string;
  sha512: string;
  size?: number;
}
interface ReleaseManifest {
  feeds: Record<string, string>;
  files: { name: string; sha512: string; size: number }[];
}

/** 0 ≤ bucket < 100, the same for a device forever. */
export function rolloutBucket(deviceKey: string): number {
  return (createHash('sha256').update(deviceKey).digest().readUInt32BE(0) / 2 ** 32) * 100;
}

export async function sha512Base64(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

async function channelRow(db: Db, channel: UpdateChannelName) {
  const row = await db.selectFrom('update_channels').selectAll().where('channel', '=', channel).executeTakeFirst();
  return row ?? { channel, current_version: null, previous_version: null, staging_percentage: 100, paused: 0, updated_at: nowIso() };
}

async function saveChannel(db: Db, row: Awaited<ReturnType<typeof channelRow>>): Promise<void> {
  const values = { ...row, updated_at: nowIso() };
  await db
    .insertInto('update_channels')
    .values(values)
    .onConflict((oc) =>
      oc.column('channel').doUpdateSet({
        current_version: values.current_version,
        previous_version: values.previous_version,
        staging_percentage: values.staging_percentage,
        paused: values.paused,
        updated_at: values.updated_at,
      }),
    )
    .execute();
}

/** Reads and checks a folder electron-builder published: every file each yml names must match its sha512 and size. */
export async function readPublishedDir(dir: string): Promise<{ version: string; manifest: ReleaseManifest; paths: string[] }> {
  const names = await readdir(dir);
  const ymls = FEED_FILES.filter((f) => names.includes(f));
  if (ymls.length === 0)
    throw new GuichetError('invalid_input', `Aucun fichier latest.yml ni latest-linux.yml dans ${basename(dir)}.`, 'no feed file');
  const manifest: ReleaseManifest = { feeds: {}, files: [] };
  const paths: string[] = [];
  let version: string | null = null;
  for (const yml of ymls) {
    const doc = parse(await readFile(join(dir, yml), 'utf8')) as { version?: unknown; files?: FeedFile[]; stagingPercentage?: unknown };
    const v = typeof doc?.version === 'string' ? semver.valid(doc.version) : null;
    if (!v) throw new GuichetError('invalid_input', `${yml} : version absente ou invalide.`, 'bad version');
    if (version !== null && v !== version)
      throw new GuichetError('invalid_input', `${yml} annonce ${v}, un autre fichier ${version}.`, 'versions differ');
    version = v;
    if (!Array.isArray(doc.files) || doc.files.length === 0)
      throw new GuichetError('invalid_input', `${yml} ne nomme aucun fichier.`, 'no files');
    for (const f of doc.files) {
      if (typeof f.url !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(f.url) || !names.includes(f.url))
        throw new GuichetError(
          'invalid_input',
          `${yml} nomme un fichier absent du dossier : ${String(f.url).slice(0, 100)}.`,
          'missing artifact',
        );
      const path = join(dir, f.url);
      const [actual, info] = await Promise.all([sha512Base64(path), stat(path)]);
      if (actual !== f.sha512)
        throw new GuichetError(
          'invalid_input',
          `L’empreinte sha512 de ${f.url} ne correspond pas à ${yml} : publication refusée.`,
          'sha512 mismatch',
        );
      if (typeof f.size === 'number' && f.size !== info.size)
        throw new GuichetError('invalid_input', `La taille de ${f.url} ne correspond pas à ${yml} : publication refusée.`, 'size mismatch');
      if (!manifest.files.some((m) => m.name === f.url)) {
        manifest.files.push({ name: f.url, sha512: actual, size: info.size });
        paths.push(path);
        // The blockmap of a differential download travels with its installer.
        if (names.includes(`${f.url}.blockmap`)) paths.push(join(dir, `${f.url}.blockmap`));
      }
    }
    // The hub decides the rollout itself: the PC must not filter a second time on its own id.
    delete doc.stagingPercentage;
    manifest.feeds[yml] = stringify(doc);
  }
  return { version: version!, manifest, paths };
}

/** Publishes DIR on `channel` at `percentage` %; the version must be newer than the channel's current one. */
export async function publishRelease(
  db: Kysely<HubDatabase>,
  updatesDir: string,
  input: { channel: UpdateChannelName; dir: string; percentage: number; actor: AuditActor },
): Promise<{ version: string; files: number }> {
  const { version, manifest, paths } = await readPublishedDir(input.dir);
  const current = await channelRow(db, input.channel);
  if (current.current_version && !semver.gt(version, current.current_version))
    throw new GuichetError(
      'conflict',
      `La version ${version} n’est pas plus récente que ${current.current_version}, en cours sur le canal ${input.channel} (un retour arrière se publie avec une version supérieure).`,
      'version not newer',
    );
  // Artifacts are never replaced by other bytes: a name already there must hold the same file.
  for (const path of paths) {
    const target = join(updatesDir, basename(path));
    const existing = await stat(target).catch(() => null);
    if (existing && (await sha512Base64(target)) !== (await sha512Base64(path)))
      throw new GuichetError(
        'conflict',
        `${basename(path)} existe déjà sur le hub avec un autre contenu : publication refusée.`,
        'artifact differs',
      );
  }
  for (const path of paths) await copyFile(path, join(updatesDir, basename(path)));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('update_releases')
      .values({
        channel: input.channel,
        version,
        manifest: JSON.stringify(manifest),
        published_at: nowIso(),
        published_by: input.actor.login,
        withdrawn_at: null,
      })
      .execute();
    await saveChannel(trx, {
      ...current,
      previous_version: current.current_version,
      current_version: version,
      staging_percentage: input.percentage,
      paused: 0,
    });
    await audit(trx, input.actor, {
      action: 'mises-a-jour.publier',
      target: input.channel,
      detail: { version, pourcentage: input.percentage, fichiers: manifest.files.length },
    });
  });
  return { version, files: manifest.files.length };
}

export async function setRollout(
  db: Kysely<HubDatabase>,
  channel: UpdateChannelName,
  change: { stagingPercentage?: number; paused?: boolean },
  actor: AuditActor,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await channelRow(trx, channel);
    if (!row.current_version) throw new GuichetError('conflict', `Aucune version publiée sur le canal ${channel}.`, 'no release');
    await saveChannel(trx, {
      ...row,
      staging_percentage: change.stagingPercentage ?? row.staging_percentage,
      paused: change.paused === undefined ? row.paused : change.paused ? 1 : 0,
    });
    await audit(trx, actor, {
      action: change.paused === true ? 'mises-a-jour.pause' : change.paused === false ? 'mises-a-jour.reprise' : 'mises-a-jour.deploiement',
      target: channel,
      detail: { version: row.current_version, pourcentage: change.stagingPercentage ?? row.staging_percentage },
    });
  });
}

/** Withdraws the current version: devices are offered the previous one again (those already updated keep theirs). */
export async function rollback(db: Kysely<HubDatabase>, channel: UpdateChannelName, actor: AuditActor): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await channelRow(trx, channel);
    if (!row.current_version || !row.previous_version)
      throw new GuichetError('conflict', `Aucune version précédente à remettre sur le canal ${channel}.`, 'nothing to roll back to');
    const withdrawn = row.current_version;
    await trx
      .updateTable('update_releases')
      .set({ withdrawn_at: nowIso() })
      .where('channel', '=', channel)
      .where('version', '=', withdrawn)
      .execute();
    const older = await trx
      .selectFrom('update_releases')
      .select('version')
      .where('channel', '=', channel)
      .where('withdrawn_at', 'is', null)
      .where('version', '!=', row.previous_version)
      .execute();
    const before = older
      .map((r) => r.version)
      .filter((v) => semver.lt(v, row.previous_version!))
      .sort(semver.rcompare)[0];
    await saveChannel(trx, {
      ...row,
      current_version: row.previous_version,
      previous_version: before ?? null,
      staging_percentage: 100,
      paused: 0,
    });
    await audit(trx, actor, {
      action: 'mises-a-jour.retour-arriere',
      target: channel,
      detail: { retiree: withdrawn, remise: row.previous_version },
    });
    return row.previous_version;
  });
}

/**
 * The feed text `file` to serve a device on `channel`: its rollout decides between the current
 * and the previous version. `undefined` when the hub publishes nothing on the channel (the plain
 * folder is then served as before), `null` when this device has no version to be offered.
 */
export async function feedFor(
  db: Kysely<HubDatabase>,
  channel: UpdateChannelName,
  file: string,
  deviceKey: string | null,
): Promise<string | null | undefined> {
  const row = await channelRow(db, channel);
  if (!row.current_version) return undefined;
  // A device that does not say who it is only gets a version rolled out to everyone.
  const bucket = deviceKey ? rolloutBucket(deviceKey) : 100;
  const inRollout = row.paused === 0 && (bucket < row.staging_percentage || row.staging_percentage === 100);
  const version = inRollout ? row.current_version : row.previous_version;
  if (!version) return null;
  const release = await db
    .selectFrom('update_releases')
    .select('manifest')
    .where('channel', '=', channel)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!release) return null;
  return (JSON.parse(release.manifest) as ReleaseManifest).feeds[file] ?? null;
}

/** Newest version first; a version that is not semver (reported by hand-built PCs) or unknown goes last. */
function newestFirst(a: string | null, b: string | null): number {
  const va = a ? semver.valid(a) : null;
  const vb = b ? semver.valid(b) : null;
  if (va && vb) return semver.rcompare(va, vb);
  if (va || vb) return va ? -1 : 1;
  return (a ?? '~').localeCompare(b ?? '~');
}

/** The channel a collectivité's postes follow (stable unless put on the pilot channel). */
export async function channelOf(db: Db, collectiviteId: string): Promise<UpdateChannelName> {
  const row = await db
    .selectFrom('collectivite_settings')
    .select('update_channel')
    .where('collectivite_id', '=', collectiviteId)
    .executeTakeFirst();
  return row?.update_channel === 'pilote' ? 'pilote' : 'stable';
}

export async function updatesView(db: Kysely<HubDatabase>): Promise<UpdatesView> {
  const releases = await db
    .selectFrom('update_releases')
    .select(['channel', 'version', 'published_at', 'published_by', 'withdrawn_at'])
    .execute();
  const pilots = await db.selectFrom('collectivite_settings').select('collectivite_id').where('update_channel', '=', 'pilote').execute();
  const total = await db
    .selectFrom('collectivites')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const channels = [];
  for (const channel of UPDATE_CHANNELS) {
    const row = await channelRow(db, channel);
    channels.push({
      channel,
      currentVersion: row.current_version,
      previousVersion: row.previous_version,
      stagingPercentage: row.staging_percentage,
      paused: row.paused !== 0,
      releases: releases
        .filter((r) => r.channel === channel)
        .sort((a, b) => semver.rcompare(a.version, b.version))
        .slice(0, 200)
        .map((r) => ({ version: r.version, publishedAt: r.published_at, publishedBy: r.published_by, withdrawnAt: r.withdrawn_at })),
      collectivites: channel === 'pilote' ? pilots.length : Number(total.n) - pilots.length,
    });
  }
  const fleet = await db
    .selectFrom('devices as d')
    .leftJoin('device_reports as r', 'r.device_id', 'd.id')
    .select(['r.app_version as version', (eb) => eb.fn.countAll<number>().as('postes')])
    .where('d.revoked_at', 'is', null)
    .groupBy('r.app_version')
    .execute();
  return {
    channels,
    fleet: fleet
      .map((f) => ({ version: f.version ?? null, postes: Number(f.postes) }))
      .sort((a, b) => newestFirst(a.version, b.version))
      .slice(0, 500),
  };
}
