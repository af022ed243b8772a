import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { decodeOid, oid, readTlv, setOf, seq, smallInteger } from './der.js';

describe('DER helpers', () => {
  it('sorts SET OF elements by their encodings, whatever the input order', () => {
    const long = seq(smallInteger(1), smallInteger(2));
    const short = seq(smallInteger(9));
    const set = setOf([long, short]);
    expect(set.equals(Buffer.concat([Buffer.from([0x31, long.length + short.length]), short, long]))).toBe(true);
  });

  it('encodes OIDs as openssl does, and decodes them back', () => {
    for (const dotted of ['1.2.840.113549.1.9.16.2.47', '2.16.840.1.101.3.4.2.1', '2.5.4.3']) {
      const der = oid(dotted);
      const parsed = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der, encoding: 'utf8' });
      expect(parsed).toMatch(/OBJECT\s+:/);
      expect(decodeOid(der, readTlv(der))).toBe(dotted);
    }
    const sigCertV2 = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], {
      input: oid('1.2.840.113549.1.9.16.2.47'),
      encoding: 'utf8',
    });
    expect(sigCertV2).toContain('id-smime-aa-signingCertificateV2');
  });
});
