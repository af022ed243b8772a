/**
 * The two hub backends every hub test runs against. PostgreSQL is the real
 * server on 127.0.0.1 (a throwaway schema per test run); set
 * GUICHET_TEST_PG_URL to point elsewhere, or GUICHET_TEST_PG=off to skip it
 * (CI never does).
 */
export const TEST_PG_URL = process.env.GUICHET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_BACKENDS: Array<'sqlite' | 'postgres'> = process.env.GUICHET_TEST_PG === 'off' ? ['sqlite'] : ['sqlite', 'postgres'];
