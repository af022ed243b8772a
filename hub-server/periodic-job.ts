import type { FastifyInstance } from 'fastify';

/**
 * Runs `job` every `everyMs` while the hub runs: the first run one period after start, never two at
 * once, the timer unref'd (it never keeps the process alive) and stopped on close, where a run in
 * progress is awaited (the database is closed after the app). A failure is logged and the next
 * period tries again.
 */
export function schedulePeriodicJob(app: FastifyInstance, job: { name: string; everyMs: number; run(): Promise<void> }): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= job
      .run()
      .catch((err: unknown) => app.log.error({ err }, `${job.name} failed`))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    timer = setInterval(tick, job.everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
