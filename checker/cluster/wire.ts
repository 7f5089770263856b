/**
 * Messages on the wire: control messages as JSON, errors carried with the class that decides the
 * exit code, and requests that turn a missing or dead peer into a `PeerLost` the caller can act on.
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { errorFromMessage, errorToMessage, type ErrorMessage } from '../engine/workerBoot';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const encodeJson = (x: unknown): Uint8Array => encoder.encode(JSON.stringify(x));
export const decodeJson = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;

/** A reply: a value, or the error the handler threw. */
export type Reply<T> = { readonly ok: T } | { readonly error: ErrorMessage };

/** A peer that did not answer: no subscriber (its process is gone) or no reply within the timeout. */
export class PeerLost extends Error {}

/** Answers `m` with what `handle` returns, or with the error it throws. */
export async function answer<T>(m: Msg, handle: () => Promise<T> | T): Promise<void> {
  let reply: Reply<T>;
  try {
    reply = { ok: await handle() };
  } catch (e) {
    reply = { error: errorToMessage(e) };
  }
  if (m.reply) m.respond(encodeJson(reply));
}

/** Sends a JSON request and returns the reply's value; a handler's error is rethrown with its class, a silent peer is PeerLost. */
export async function ask<T>(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number): Promise<T> {
  let m: Msg;
  try {
    m = await nc.request(subject, encodeJson(body), { timeout: timeoutMs });
  } catch (e) {
    throw new PeerLost(`${subject}: ${(e as Error).message}`);
  }
  return unwrap<T>(m);
}

/** A reply's value; its error rethrown (a peer's lost peer stays PeerLost, so that the run recovers). */
function unwrap<T>(m: Msg): T {
  const r = decodeJson<Reply<T>>(m.data);
  if ('error' in r) throw r.error.name === 'PeerLost' ? new PeerLost(r.error.message) : errorFromMessage(r.error);
  return r.ok;
}

/** Sends binary data as a request; the reply is JSON as from `answer`. */
export async function askBinary<T>(nc: NatsConnection, subject: string, data: Uint8Array, timeoutMs: number): Promise<T> {
  let m: Msg;
  try {
    m = await nc.request(subject, data, { timeout: timeoutMs });
  } catch (e) {
    throw new PeerLost(`${subject}: ${(e as Error).message}`);
  }
  return unwrap<T>(m);
}
