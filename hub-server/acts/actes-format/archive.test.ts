import { describe, expect, it } from 'vitest';
import { ArchiveTooLarge, packEntries, readArchive } from './archive.js';

/** Archives come from outside (ministry mails, anyone able to mail the hub): inflating one must stay bounded. */
describe('readArchive', () => {
  it('reads the entries of a normal archive', async () => {
    const archive = await packEntries([
      { name: 'a.xml', content: Buffer.from('<a/>') },
      { name: 'b.pdf', content: Buffer.from('%PDF-1.4') },
    ]);
    const entries = await readArchive(archive);
    expect(entries.map((e) => [e.name, e.content.toString()])).toEqual([
      ['a.xml', '<a/>'],
      ['b.pdf', '%PDF-1.4'],
    ]);
  });

  it('refuses an archive whose content inflates past the cap (decompression bomb)', async () => {
    // Highly compressible, yet under tar's own 1000:1 ratio guard: only a cap on the content stops it.
    const block = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7919) % 251));
    const zeros = Buffer.concat(Array.from({ length: 16 * 1024 }, () => block));
    const archive = await packEntries([{ name: 'bomb.pdf', content: zeros }]);
    expect(archive.byteLength).toBeLessThan(256 * 1024);
    await expect(readArchive(archive, 1024 * 1024)).rejects.toBeInstanceOf(ArchiveTooLarge);
    expect((await readArchive(archive, 8 * 1024 * 1024))[0].content.byteLength).toBe(zeros.byteLength);
  });
});
