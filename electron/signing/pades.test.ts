import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPkcs12, type SigningKey } from './key-store.js';
import { parseCades } from './cms.js';
import { children, readTlv } from './der.js';
import { signPdf } from './pades.js';
import { isIntact, verifyPdf } from './verify.js';
import {
  P12_PASSWORD,
  extractLastSignature,
  hasTool,
  makePdf,
  makePki,
  opensslCadesVerify,
  opensslSignedAttributeObjects,
  pdfsig,
  type Pki,
} from './test-fixtures.js';

let dir: string;
let pki: Pki;
let key: SigningKey;
const signingTime = new Date();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-pades-'));
  pki = makePki(join(dir, 'pki'));
  key = signingKeyFromPkcs12(readFileSync(pki.p12Aes), P12_PASSWORD, new Date()).key;
  await makePdf(join(dir, 'classic.pdf'), { objectStreams: false });
  await makePdf(join(dir, 'xrefstream.pdf'), { objectStreams: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);

describe.each([
  ['a classic xref table', 'classic'],
  ['object streams and a cross-reference stream (PDF 1.5)', 'xrefstream'],
])('PAdES B-B signing of a PDF with %s', (_label, name) => {
  const signed = () => p(`${name}-signed.pdf`);
  const countersigned = () => p(`${name}-countersigned.pdf`);

  it('is valid for pdfsig and covers the whole document', async () => {
    await signPdf({ input: p(`${name}.pdf`), output: signed(), key, reason: 'Délibération n°2026-012', location: 'Évreux', signingTime });
    const [sig, ...more] = pdfsig(signed());
    expect(more).toHaveLength(0);
    expect(sig.valid).toBe(true);
    expect(sig.totalDocumentSigned).toBe(true);
    expect(sig.text).toContain('Signature Type: ETSI.CAdES.detached');
    expect(sig.text).toContain('Signer Certificate Common Name: Jeanne Dupont');
  });

  it('leaves the original bytes untouched (incremental update)', () => {
    const original = readFileSync(p(`${name}.pdf`));
    const out = readFileSync(signed());
    expect(out.subarray(0, original.length).equals(original)).toBe(true);
  });

  it('carries a CAdES signature that openssl verifies, with ESS signing-certificate-v2 and no signing-time', () => {
    const { signedBytes, cms } = extractLastSignature(signed());
    const result = opensslCadesVerify(dir, signedBytes, cms, pki.caPem);
    expect(result.output).toContain('CAdES Verification successful');
    expect(result.ok).toBe(true);
    const attrs = opensslSignedAttributeObjects(dir, cms);
    expect(attrs).toEqual(expect.arrayContaining(['contentType (1.2.840.113549.1.9.3)', 'messageDigest (1.2.840.113549.1.9.4)']));
    expect(attrs.some((a) => a.includes('1.2.840.113549.1.9.16.2.47'))).toBe(true);
    expect(attrs.some((a) => a.includes('signingTime'))).toBe(false);
  });

  it('is reported intact by verifyPdf, with signer, time and certificate dates', async () => {
    const { signatures } = await verifyPdf(signed());
    expect(signatures).toHaveLength(1);
    const [s] = signatures;
    expect(s).toMatchObject({
      signerName: 'Jeanne Dupont',
      coversWholeDocument: true,
      digestOk: true,
      signatureOk: true,
      signingCertificateOk: true,
      subFilter: 'ETSI.CAdES.detached',
    });
    expect(s.signingTime?.getTime()).toBe(Math.floor(signingTime.getTime() / 1000) * 1000);
    expect(s.certificate?.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it('keeps the first signature valid when a second one is appended', async () => {
    await signPdf({ input: signed(), output: countersigned(), key, reason: 'Contrôle' });
    const [first, second] = pdfsig(countersigned());
    expect(first.valid).toBe(true);
    expect(first.totalDocumentSigned).toBe(false); // expected: a revision was appended after it
    expect(first.text).toContain('Signature Field Name: Signature1');
    expect(second.valid).toBe(true);
    expect(second.totalDocumentSigned).toBe(true);
    expect(second.text).toContain('Signature Field Name: Signature2');

    const { signatures } = await verifyPdf(countersigned());
    expect(signatures.map((s) => [s.fieldName, isIntact(s), s.coversWholeDocument])).toEqual([
      ['Signature1', true, false],
      ['Signature2', true, true],
    ]);
  });

  it.skipIf(!hasTool('qpdf'))('stays structurally sound for qpdf after two updates', () => {
    const r = spawnSync('qpdf', ['--check', countersigned()], { encoding: 'utf8' });
    expect(r.stdout).toContain('No syntax or stream encoding errors found');
    expect(r.status).toBe(0);
  });

  it('fails in pdfsig and in verifyPdf when one signed byte is changed', async () => {
    const bytes = readFileSync(signed());
    // Flip a byte inside the page's content stream, well inside the first signed range.
    const at = bytes.indexOf('stream', bytes.indexOf('/Length'), 'latin1') + 10;
    bytes[at] ^= 0x01;
    const tampered = p(`${name}-tampered.pdf`);
    writeFileSync(tampered, bytes);
    const [sig] = pdfsig(tampered);
    expect(sig.valid).toBe(false);
    expect(sig.text).toContain('Digest Mismatch');
    const { signatures } = await verifyPdf(tampered);
    expect(signatures[0].digestOk).toBe(false);
    expect(isIntact(signatures[0])).toBe(false);
  });
});

describe('PDFs from other producers', () => {
  it.skipIf(!hasTool('qpdf'))('signs qpdf output: PNG-predicted xref streams and linearized files', async () => {
    for (const [name, args] of [
      ['qpdf-objstm', ['--object-streams=generate']],
      ['qpdf-linearized', ['--linearize', '--object-streams=generate']],
    ] as const) {
      expect(spawnSync('qpdf', [...args, p('classic.pdf'), p(`${name}.pdf`)]).status).toBe(0);
      await signPdf({ input: p(`${name}.pdf`), output: p(`${name}-1.pdf`), key });
      await signPdf({ input: p(`${name}-1.pdf`), output: p(`${name}-2.pdf`), key });
      const sigs = pdfsig(p(`${name}-2.pdf`));
      expect(sigs.map((x) => [x.valid, x.totalDocumentSigned])).toEqual([
        [true, false],
        [true, true],
      ]);
      expect(spawnSync('qpdf', ['--check', p(`${name}-2.pdf`)]).status).toBe(0);
    }
  });

  it('keeps the existing form fields of a PDF form and adds the signature field beside them', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    const field = doc.getForm().createTextField('maire.nom');
    field.setText('Evelyne Martin');
    field.addToPage(page, { x: 50, y: 700, width: 200, height: 20 });
    writeFileSync(p('form.pdf'), await doc.save({ useObjectStreams: true }));
    await signPdf({ input: p('form.pdf'), output: p('form-signed.pdf'), key });
    expect(pdfsig(p('form-signed.pdf'))[0].valid).toBe(true);
    const reread = await PDFDocument.load(readFileSync(p('form-signed.pdf')));
    expect(
      reread
        .getForm()
        .getFields()
        .map((f) => f.getName()),
    ).toEqual(['maire.nom', 'Signature1']);
    expect(reread.getForm().getTextField('maire.nom').getText()).toBe('Evelyne Martin');
    expect(reread.getPage(0).node.Annots()?.size()).toBe(2);
  });
});

describe('ECDSA certificates', () => {
  it('signs with a P-256 key (ecdsa-with-SHA256): valid for pdfsig, openssl cms -cades and verifyPdf', async () => {
    const ec = signingKeyFromPkcs12(readFileSync(pki.p12Ec), P12_PASSWORD, new Date());
    expect(ec.certificate.keyType).toBe('ec');
    await signPdf({ input: p('xrefstream.pdf'), output: p('ec-signed.pdf'), key: ec.key });
    const [sig] = pdfsig(p('ec-signed.pdf'));
    expect(sig.valid && sig.totalDocumentSigned).toBe(true);
    const { signedBytes, cms } = extractLastSignature(p('ec-signed.pdf'));
    expect(opensslCadesVerify(dir, signedBytes, cms, pki.caPem).ok).toBe(true);
    const [s] = (await verifyPdf(p('ec-signed.pdf'))).signatures;
    expect([s.signerName, isIntact(s)]).toEqual(['Paul Martin', true]);
  });
});

describe('what verifyPdf checks beyond the digest', () => {
  it('fails the signature check (pdfsig and verifyPdf) when the signature value is altered but not the document', async () => {
    const signed = p('classic-signed.pdf');
    const { cms } = extractLastSignature(signed);
    const value = parseCades(cms).signature;
    const bytes = readFileSync(signed);
    const at = bytes.indexOf(value.subarray(-8).toString('hex'), 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30; // one hex digit of the RSA signature, outside the signed bytes
    const forged = p('forged-signature.pdf');
    writeFileSync(forged, bytes);
    expect(pdfsig(forged)[0].valid).toBe(false);
    const [s] = (await verifyPdf(forged)).signatures;
    expect(s.digestOk).toBe(true);
    expect(s.signatureOk).toBe(false);
    expect(isIntact(s)).toBe(false);
  });

  it('writes the signed attributes in DER SET OF order (what BouncyCastle / EU DSS re-check)', () => {
    const { cms } = extractLastSignature(p('xrefstream-signed.pdf'));
    const attrs = parseCades(cms).signedAttributes;
    const encodings = children(attrs, readTlv(attrs)).map((t) => attrs.subarray(t.start, t.end));
    expect(encodings).toHaveLength(3);
    for (let i = 1; i < encodings.length; i++) expect(Buffer.compare(encodings[i - 1], encodings[i])).toBeLessThanOrEqual(0);
  });
});

describe('refusals', () => {
  it('refuses to sign when the certificate is expired at signing time, and writes nothing', async () => {
    const expired = signingKeyFromPkcs12(readFileSync(pki.p12Expired), P12_PASSWORD, new Date('2024-06-01T00:00:00Z')).key;
    await expect(signPdf({ input: p('classic.pdf'), output: p('never.pdf'), key: expired })).rejects.toThrow(
      'Le certificat a expiré le 12/03/2025 : demandez son renouvellement à votre autorité de certification.',
    );
    expect(existsSync(p('never.pdf'))).toBe(false);
  });

  it('reports a PDF without signatures as such', async () => {
    expect((await verifyPdf(p('classic.pdf'))).signatures).toEqual([]);
  });

  it('refuses a file that is not a PDF with a French message', async () => {
    writeFileSync(p('not.pdf'), 'bonjour');
    await expect(signPdf({ input: p('not.pdf'), output: p('never2.pdf'), key })).rejects.toThrow(/Ce PDF est endommagé/);
  });
});
