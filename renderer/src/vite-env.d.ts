/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** package.json's version, set by renderer/vite.config.ts. */
  readonly VITE_GUICHET_VERSION?: string;
  /** The département's assistance contact, set by whoever builds Guichet for its communes. */
  readonly VITE_GUICHET_ASSISTANCE?: string;
}
