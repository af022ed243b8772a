import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is served from file:// by Electron and from / by the web host: relative base works for both.
const root = fileURLToPath(new URL('.', import.meta.url));

// The version shown in the help area of every screen (quoted when calling the département's assistance).
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

// `--mode console` builds the département's console (renderer/console.html) into dist/console, served by the hub at /console/.
export default defineConfig(({ mode }) => ({
  root,
  base: './',
  define: { 'import.meta.env.VITE_GUICHET_VERSION': JSON.stringify(version) },
  plugins: [react()],
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
