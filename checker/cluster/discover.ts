/** Finding the workers listening on a NATS server (each answers on the discovery subject), and checking one is alive. */
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { VERSION } from '../cli/version';
import { DISCOVER, workerSubject, type WorkerInfo } from './subjects';
import { ask, decodeJson, encodeJson } from './wire';

/** One round of discovery: the workers that answer within `windowMs`. */
async function discoverOnce(nc: NatsConnection, windowMs: number): Promise<WorkerInfo[]> {
  const inbox = createInbox();
  const found: WorkerInfo[] = [];
  const sub = nc.subscribe(inbox, { callback: (_e, m) => void found.push(decodeJson<{ ok: WorkerInfo }>(m.data).ok) });
  nc.publish(DISCOVER, encodeJson({}), { reply: inbox });
  await new Promise((r) => setTimeout(r, windowMs));
  sub.unsubscribe();
  return found;
}

/** After the first worker answered, how long the count may stay the same before the others are taken as absent. */
const SETTLE_MS = 3000;

/**
 * The workers of this hmmcheck version: asks until `want` have answered, or some have and no
 * other joined for SETTLE_MS (workers may still be starting), or `waitMs` has passed; returns
 * those found, sorted by id. Workers of another version are reported through `log` and left out.
 */
export async function discoverWorkers(nc: NatsConnection, want: number, waitMs: number, log: (line: string) => void): Promise<WorkerInfo[]> {
  const until = performance.now() + waitMs;
  const warned = new Set<string>();
  let count = 0;
  let since = performance.now();
  for (;;) {
    const all = await discoverOnce(nc, 300);
    for (const w of all) {
      if (w.version !== VERSION && !warned.has(w.id)) {
        warned.add(w.id);
        log(`worker ${w.id} runs hmmcheck ${w.version}, not ${VERSION}: not used`);
      }
    }
    const usable = all.filter((w) => w.version === VERSION).sort((a, b) => a.id.localeCompare(b.id));
    const now = performance.now();
    if (usable.length !== count) [count, since] = [usable.length, now];
    if (usable.length >= want || now >= until || (usable.length > 0 && now - since >= SETTLE_MS)) return usable;
  }
}

/** Whether a worker answers a ping within `timeoutMs` (telling it that the coordinator of `run` is alive). */
export async function isAlive(nc: NatsConnection, id: string, timeoutMs: number, run?: string): Promise<boolean> {
  try {
    await ask(nc, workerSubject(id), { op: 'ping', ...(run !== undefined ? { run } : {}) }, timeoutMs);
    return true;
  } catch {
    return false;
  }
}
