/**
 * Tables of the files module (migration 003-acts, renamed by 014-files, which
 * adds the tags). Same conventions as the domains: ISO text timestamps set in
 * app code, 0/1 integers for booleans, bigint sizes read back as numbers.
 */

/** A content-addressed file of one collectivité, possibly still uploading. */
export interface FilesTable {
  commune_id: string;
  sha256: string;
  /** Total size announced by the uploader (`upload-length`). */
  size: number;
  /** Bytes held so far (= the next expected `upload-offset`). */
  received: number;
  complete: number;
  created_at: string;
  completed_at: string | null;
}

/**
 * The bytes of a file, one row per appended piece. Kept in the database on
 * both backends (not in a folder): an append is one transaction with the
 * offset update, so a crash never leaves bytes the offset does not count, and
 * several hub instances on PostgreSQL see the same files without a shared disk.
 */
export interface FileChunksTable {
  commune_id: string;
  sha256: string;
  pos: number;
  data: Uint8Array;
}

/**
 * Which domains a file was sent through (`acts`, `electoral`): a file is read
 * only through a domain it carries, with that domain's permissions, and kept
 * until no tag remains. The same bytes sent for an act and as a justificatif
 * are stored once, with two tags. `tagged_at` starts the domain's retention.
 */
export interface FileTagsTable {
  commune_id: string;
  sha256: string;
  domain: string;
  tagged_at: string;
}

export interface FilesTables {
  files: FilesTable;
  file_chunks: FileChunksTable;
  file_tags: FileTagsTable;
}
