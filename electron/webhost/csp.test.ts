import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp.js';

describe('content security policy', () => {
  it('starts from nothing and allows no inline script, eval or remote origin', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives[0]).toBe("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(directives).toContain("frame-ancestors 'none'");
  });

  it('is the same policy in the renderer page meta tag (Electron loads it from file://)', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
  });
});
