/**
 * Connecting to the NATS server a cluster run goes through, with the credentials and TLS options
 * passed through to the official client: user and password in the URL (nats://user:pass@host),
 * a `.creds` file (JWT + nkey, `--creds`), and TLS for a `tls://` URL or when HMMCHECK_NATS_CA /
 * HMMCHECK_NATS_CERT / HMMCHECK_NATS_KEY name PEM files.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { UsageError } from '../engine/errors';

export interface ClusterAddress {
  /** nats://host:port, tls://host:port, optionally with user:password@. */
  readonly url: string;
  /** A NATS credentials file (JWT and nkey seed). */
  readonly creds?: string;
}

/** The client options for an address: servers, credentials, TLS (read before connecting, so a bad file is a usage error). */
export function connectionOptions(addr: ClusterAddress, name: string, env: NodeJS.ProcessEnv = process.env): NodeConnectionOptions {
  let url: URL;
  try {
    url = new URL(addr.url);
  } catch {
    throw new UsageError(`--cluster/--nats expects a URL such as nats://127.0.0.1:4222, got '${addr.url}'`);
  }
  if (!['nats:', 'tls:'].includes(url.protocol)) throw new UsageError(`--cluster/--nats expects a nats:// or tls:// URL, got '${addr.url}'`);
  const readPem = (what: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const opts: NodeConnectionOptions = { servers: `${url.hostname}:${url.port || 4222}`, name, maxReconnectAttempts: 10, reconnectTimeWait: 500 };
  if (url.username) {
    opts.user = decodeURIComponent(url.username);
    opts.pass = decodeURIComponent(url.password);
  }
  if (addr.creds !== undefined) {
    const creds = readPem('--creds file', addr.creds)!;
    opts.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
  }
  const ca = readPem('HMMCHECK_NATS_CA', env.HMMCHECK_NATS_CA);
  const cert = readPem('HMMCHECK_NATS_CERT', env.HMMCHECK_NATS_CERT);
  const key = readPem('HMMCHECK_NATS_KEY', env.HMMCHECK_NATS_KEY);
  if (url.protocol === 'tls:' || ca || cert) opts.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  return opts;
}

/** Connects, turning an unreachable server or refused credentials into one usage-error line. */
export async function connectCluster(addr: ClusterAddress, name: string): Promise<NatsConnection> {
  const opts = connectionOptions(addr, name);
  try {
    return await connect(opts);
  } catch (e) {
    throw new UsageError(`cannot connect to the NATS server ${redacted(addr.url)}: ${(e as Error).message}`);
  }
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
