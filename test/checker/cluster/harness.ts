/**
 * A NATS JetStream server and hmmcheck workers for the cluster tests: `nats-server -js` on a free
 * loopback port with a temporary store folder, workers as real child processes (`hmmcheck worker`),
 * all stopped after the test. Without nats-server the tests are skipped with a message saying so
 * (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export const natsServerMissing: string | undefined =
  spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0 ? undefined : 'nats-server is not installed (apt-get install nats-server; .ci/run does): cluster tests skipped';
if (natsServerMissing) process.stderr.write(`${natsServerMissing}\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Worker {
  readonly child: ChildProcess;
  /** Its stderr so far. */
  log(): string;
}

export interface Cluster {
  readonly url: string;
  /** Starts a worker and waits until it listens. */
  worker(extra?: readonly string[]): Promise<Worker>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-nats-'));
  const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store')], { stdio: 'ignore' });
  const children: ChildProcess[] = [server];
  await until(
    'nats-server to listen',
    () =>
      new Promise<boolean>((resolve) => {
        const c = tcpConnect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
        c.on('error', () => resolve(false));
      }),
    10_000,
  );
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    async worker(extra = []) {
      const child = spawn(process.execPath, [`${root}bin/hmmcheck.mjs`, 'worker', '--nats', url, ...extra], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
      children.push(child);
      let log = '';
      child.stderr!.on('data', (d) => (log += d));
      child.stdout!.resume();
      await until('the worker to listen', () => log.includes('listening on'), 30_000);
      return { child, log: () => log };
    },
    async stop() {
      for (const c of children.reverse()) {
        if (c.exitCode === null && c.signalCode === null) {
          const exited = new Promise((r) => c.once('exit', r));
          c.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers beforeAll/afterAll in the enclosing describe block: a NATS server with two workers,
 * stopped after the block. Returns a getter, since the cluster exists only once beforeAll has run.
 */
export function withTwoWorkers(): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
    await Promise.all([cluster.worker(), cluster.worker()]);
  }, 60_000);
  afterAll(async () => cluster?.stop());
  return () => cluster!;
}
