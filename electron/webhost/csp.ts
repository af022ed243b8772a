/**
 * The one Content-Security-Policy of the renderer, used by the web host (HTTP
 * header) and by the Electron shell (onHeadersReceived). The built renderer is
 * only same-origin files: no inline script, no eval, no remote anything, so the
 * policy can start from 'none'. `connect-src 'self'` lets the web bridge reach
 * /api on its own origin; `style-src 'self'` still allows React's element.style
 * assignments (CSSOM is not governed by CSP).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The same policy for the `<meta http-equiv>` tag of renderer/index.html:
 * Electron loads the page from file://, where a response header may not be
 * applied on every version. frame-ancestors is ignored in a meta tag, so it is left out.
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

/** Headers sent with every web host answer (static files and API). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
