import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signingKeyFromPkcs12 } from './key-store.js';
import { signPdf } from './pades.js';
import { P12_PASSWORD, makePdf, makePki, pdfsig } from './test-fixtures.js';
import { verifyPdf } from './verify.js';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * PAdES signing of a 10 MB PDF (a scanned délibération: PDF 1.5 with object streams and an
 * xref stream) against `openssl cms -sign` over the same bytes, timed in the same run.
 * Both sides are wall-clock per signature; openssl's includes its process start, which is
 * what a shell-out signer would pay too. Runs are interleaved so both see the same machine load.
 */
export async function benchSigning(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-signing-'));
  try {
    const pki = makePki(join(dir, 'pki'));
    const input = join(dir, 'scan-10mb.pdf');
    await makePdf(input, { objectStreams: true, imageBytes: 10 * 1024 * 1024 });
    const p12 = readFileSync(pki.p12Aes);
    let t = performance.now();
    const { key } = signingKeyFromPkcs12(p12, P12_PASSWORD, new Date());
    const p12LoadMs = performance.now() - t;

    const output = join(dir, 'signed.pdf');
    const opensslArgs = [
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-signer',
      pki.signerPem,
      '-inkey',
      pki.signerKey,
      '-in',
      input,
      '-out',
      '/dev/null',
    ];
    const runOpenssl = () => {
      const start = performance.now();
      const r = spawnSync('openssl', opensslArgs);
      if (r.status !== 0) throw new Error(`openssl cms -sign failed: ${r.stderr.toString()}`);
      return performance.now() - start;
    };
    const runPades = async () => {
      const start = performance.now();
      await signPdf({ input, output, key, reason: 'Bench' });
      return performance.now() - start;
    };

    // Warm-up (page cache, JIT) for both.
    runOpenssl();
    await runPades();
    const pades: number[] = [];
    const openssl: number[] = [];
    const runs = 5;
    for (let i = 0; i < runs; i++) {
      pades.push(await runPades());
      openssl.push(runOpenssl());
    }
    const verify: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      await verifyPdf(output);
      verify.push(performance.now() - t);
    }
    const [check] = pdfsig(output);
    const padesMs = median(pades);
    const opensslMs = median(openssl);
    return {
      pdfBytes: statSync(input).size,
      runs,
      padesSignMedianMs: round(padesMs),
      opensslCmsSignMedianMs: round(opensslMs),
      ratio: Math.round((padesMs / opensslMs) * 100) / 100,
      target: '≤ 1.5× openssl cms -sign',
      withinTarget: padesMs / opensslMs <= 1.5,
      padesSignRunsMs: pades.map(round),
      opensslRunsMs: openssl.map(round),
      verifyMedianMs: round(median(verify)),
      p12LoadMs: round(p12LoadMs),
      pdfsigValid: check?.valid === true && check.totalDocumentSigned,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
