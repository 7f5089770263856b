/**
 * A swarm worker thread (started by simulateSwarm in swarm.ts): rebuilds the spec from the
 * model name (or spec module path), variant and constants in workerData, runs one simulation with
 * its own seed and swarm configuration, and posts the result back. Errors while loading the model
 * are posted as data, so the main thread can rethrow them with their class.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runWorkerInline, type WorkerInput, type WorkerMessage } from './swarm';
import { errorToMessage } from './workerBoot';

const input = workerData as WorkerInput;

function post(m: WorkerMessage): void {
  parentPort!.postMessage(m);
}

try {
  post({ type: 'done', result: await runWorkerInline(input) });
} catch (e) {
  post(errorToMessage(e));
}
