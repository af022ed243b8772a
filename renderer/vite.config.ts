import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is served from file:// by Electron and from / by the web host: relative base works for both.
const root = fileURLToPath(new URL('.', import.meta.url));

// The version shown in the help area of every screen (quoted when calling the département's assistance).
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * rrweb 2.2.2, recording the PC for the assistance, diffs a changed style
 * attribute by writing the old value with `setAttribute('style', …)` on a
 * detached element. That element's document inherits the page's policy
 * (style-src 'self'): Chromium refuses the write, logs a violation on every
 * style change and the diff never learns which properties were removed (the
 * agent's view kept them). Writing it through the CSSOM (`style.cssText`) is
 * not governed by CSP; it is the fix rrweb's maintained forks made (PostHog's,
 * PR #3909, upstream issue rrweb-io/rrweb#816). The build stops if rrweb's code
 * changes, so an upgrade looks at it again (docs/assistance.md).
 */
function rrwebStyleDiffThroughCssom(): Plugin {
  const write = 'old.setAttribute("style", m.oldValue)';
  return {
    name: 'guichet:rrweb-style-diff-cssom',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]rrweb[\\/]dist[\\/]rrweb\.js$/.test(id)) return null;
      if (code.split(write).length !== 2)
        this.error(
          `rrweb changed: « ${write} » is not in ${id} once; check whether its style diff still needs the CSSOM write (docs/assistance.md).`,
        );
      return { code: code.replace(write, 'old.style.cssText = m.oldValue'), map: null };
    },
  };
}

// `--mode console` builds the département's console (renderer/console.html) into dist/console, served by the hub at /console/.
export default defineConfig(({ mode }) => ({
  root,
  base: './',
  define: { 'import.meta.env.VITE_GUICHET_VERSION': JSON.stringify(version) },
  plugins: [react(), rrwebStyleDiffThroughCssom()],
  build:
    mode === 'console'
      ? {
          outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
          emptyOutDir: true,
          // replay.html: the assistance replay, framed by the console under its own policy (inline styles).
          rollupOptions: {
            input: [fileURLToPath(new URL('./console.html', import.meta.url)), fileURLToPath(new URL('./replay.html', import.meta.url))],
          },
        }
      : {
          outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
          emptyOutDir: true,
        },
}));
