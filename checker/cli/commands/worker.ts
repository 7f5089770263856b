/**
 * `hmmcheck worker --nats URL [--concurrency N] [--creds FILE]`: serves a NATS cluster until
 * SIGINT/SIGTERM (checker/cluster/worker.ts). Log lines go to stderr; exit 0 when stopped.
 */
import { EXIT } from '../exitCodes';

export interface WorkerArgs {
  nats: string;
  concurrency?: number;
  creds?: string;
}

export async function workerCommand(args: WorkerArgs): Promise<number> {
  let onSignal = () => {};
  const stop = new Promise<void>((resolve) => {
    onSignal = () => resolve();
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Loaded here: no other command needs the NATS client.
    const { runWorker } = await import('../../cluster/worker');
    await runWorker({ address: { url: args.nats, creds: args.creds }, concurrency: args.concurrency ?? 1, log: (l) => process.stderr.write(`${l}\n`), stop });
    return EXIT.OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
