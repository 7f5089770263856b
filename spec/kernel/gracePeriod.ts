/**
 * The grace-period core shared by SRCU (srcu.ts) and RCU (rcu.ts), hmm-domain.md §1.1 "SRCU /
 * RCU": a global `epoch`, per thread the epoch its (outermost) read section started in, per
 * synchronizer the target it waits for, and per callback tag the target it was queued behind.
 * A grace period with target `g` is over once no open read section started at or before `g`.
 *
 * Epochs stay tiny: after every operation the live values are renumbered densely from 0 in order
 * (`gpNormalize`). Only their order matters (read epochs are compared with targets; new values are
 * the epoch, which is the largest), so renumbering changes no behaviour and merges states that
 * differ only by how many grace periods have passed.
 *
 * The functions take a `GpFlavor` naming the API (srcu / rcu) for the modelling-mistake messages.
 *
 * @example
 * const F: GpFlavor = { name: 'srcu', synchronize: 'synchronize_srcu', call: 'call_srcu' };
 * const gp = gpInit(['R', 'S'], []); gpReaderEnter(gp, 'R', F); gpSyncStart(gp, 'S', F);
 * gpSyncReady(gp, 'S', F); // false until gpReaderExit(gp, 'R', F)
 */
import { t, type IntType, type MapType, type OptionalType, type Type } from '../types';

/** Runtime state of a grace-period domain. */
export interface GracePeriod {
  epoch: number;
  /** Per thread: the epoch its read section started in, or null. */
  reader: Record<string, number | null>;
  /** Per thread: the target of its synchronize in progress, or null. */
  target: Record<string, number | null>;
  /** Per callback tag: the target it waits for, or null when not queued (only with callbacks). */
  pending?: Record<string, number | null>;
}

/** The names of the API a domain models, for error messages. */
export interface GpFlavor {
  /** The domain's name in messages: `srcu`, `rcu`. */
  readonly name: string;
  readonly synchronize: string;
  readonly call: string;
}

/** Schema type of a per-thread (or per-callback) epoch: the epoch it waits for or started in, or null. */
export type EpochMap<K extends string> = MapType<K, OptionalType<IntType>>;
/** The schema fields of a grace-period domain over threads `O` (gpFields gives them for a list of ids). */
export type GpFields<O extends string> = { epoch: IntType; reader: EpochMap<O>; target: EpochMap<O> };

/** Schema fields of a grace-period domain over threads `ids` and callback tags `callbacks`. */
export function gpFields(ids: readonly string[], callbacks: readonly string[]): Record<string, Type> {
  // Dense renumbering bounds every value by the number of distinct live values minus one.
  const max = 2 * ids.length + callbacks.length;
  const e = t.optional(t.int(0, max));
  const fields: Record<string, Type> = { epoch: t.int(0, max), reader: t.map(ids, e), target: t.map(ids, e) };
  if (callbacks.length) fields.pending = t.map(callbacks, e);
  return fields;
}

const none = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, null])) as Record<string, number | null>;

/** The initial state: epoch 0, nobody reading or synchronizing, no callbacks queued. */
export function gpInit(ids: readonly string[], callbacks: readonly string[]): GracePeriod {
  const gp: GracePeriod = { epoch: 0, reader: none(ids), target: none(ids) };
  if (callbacks.length) gp.pending = none(callbacks);
  return gp;
}

/** Throws the modelling mistake "key is not in the domain" (a thread or tag not listed in the type). */
export function gpKnown(map: Record<string, unknown>, key: string, what: string, f: GpFlavor): void {
  if (!(key in map)) throw new Error(`${f.name}: ${what} ${key} is not in the ${f.name}'s domain (list it in ${f.name}Type/${f.name}Init)`);
}

function callbacks(gp: GracePeriod, tag: string, f: GpFlavor): Record<string, number | null> {
  if (!gp.pending) throw new Error(`${f.name}: callback ${tag}: this ${f.name} has no callbacks (list them in ${f.name}Type/${f.name}Init)`);
  gpKnown(gp.pending, tag, 'callback', f);
  return gp.pending;
}

/** Renumbers the live epoch values densely, preserving their order (see the module header). */
export function gpNormalize(gp: GracePeriod): void {
  const maps = gp.pending ? [gp.reader, gp.target, gp.pending] : [gp.reader, gp.target];
  const vals = new Set<number>([gp.epoch]);
  for (const m of maps) for (const v of Object.values(m)) if (v !== null) vals.add(v);
  const sorted = [...vals].sort((a, b) => a - b);
  if (sorted.every((v, i) => v === i)) return;
  const rank = new Map(sorted.map((v, i) => [v, i]));
  gp.epoch = rank.get(gp.epoch)!;
  for (const m of maps) {
    for (const k of Object.keys(m)) {
      const v = m[k]!;
      if (v !== null) m[k] = rank.get(v)!;
    }
  }
}

/** A read section starts: it records the current epoch (the caller checks it was not inside). */
export function gpReaderEnter(gp: GracePeriod, id: string, f: GpFlavor): void {
  gpKnown(gp.reader, id, 'thread', f);
  gp.reader[id] = gp.epoch;
  gpNormalize(gp);
}

/** The (outermost) read section ends. */
export function gpReaderExit(gp: GracePeriod, id: string, f: GpFlavor): void {
  gpKnown(gp.reader, id, 'thread', f);
  gp.reader[id] = null;
  gpNormalize(gp);
}

/** True when no read section that started at or before `target` is still open. */
export function gpOver(gp: GracePeriod, target: number): boolean {
  for (const v of Object.values(gp.reader)) if (v !== null && v <= target) return false;
  return true;
}

/** synchronize, step 1: `target := epoch; epoch++`. */
export function gpSyncStart(gp: GracePeriod, id: string, f: GpFlavor): void {
  gpKnown(gp.target, id, 'thread', f);
  if (gp.target[id] !== null) throw new Error(`${f.synchronize} by ${id}: already synchronizing`);
  gp.target[id] = gp.epoch;
  gp.epoch++;
  gpNormalize(gp);
}

/** synchronize, step 2's guard: every reader that could predate step 1 has left. */
export function gpSyncReady(gp: GracePeriod, id: string, f: GpFlavor): boolean {
  gpKnown(gp.target, id, 'thread', f);
  const target = gp.target[id];
  if (target === null || target === undefined) throw new Error(`${f.synchronize} by ${id}: step 2 without step 1`);
  return gpOver(gp, target);
}

/** synchronize, step 2's effect: the call returns. */
export function gpSyncEnd(gp: GracePeriod, id: string, f: GpFlavor): void {
  if (!gpSyncReady(gp, id, f)) throw new Error(`${f.synchronize} by ${id} returned early: guard the step with ${f.name}SyncReady`);
  gp.target[id] = null;
  gpNormalize(gp);
}

/** call(cb): queue callback `tag` behind the current readers. */
export function gpCall(gp: GracePeriod, tag: string, f: GpFlavor): void {
  const pending = callbacks(gp, tag, f);
  if (pending[tag] !== null) throw new Error(`${f.call}: callback ${tag} is already queued`);
  pending[tag] = gp.epoch;
  gp.epoch++;
  gpNormalize(gp);
}

/** Whether callback `tag` is queued (call_srcu / call_rcu done, the callback not yet run). */
export function gpCallbackQueued(gp: GracePeriod, tag: string, f: GpFlavor): boolean {
  return callbacks(gp, tag, f)[tag] !== null;
}

/** The environment may run callback `tag` now: it is queued and its grace period is over. */
export function gpCallbackReady(gp: GracePeriod, tag: string, f: GpFlavor): boolean {
  const target = callbacks(gp, tag, f)[tag]!;
  return target !== null && gpOver(gp, target);
}

/** Dequeues callback `tag` (the environment step that runs it calls this). */
export function gpCallbackDone(gp: GracePeriod, tag: string, f: GpFlavor): void {
  if (!gpCallbackReady(gp, tag, f)) throw new Error(`${f.name} callback ${tag} ran early: guard the step with ${f.name}CallbackReady`);
  callbacks(gp, tag, f)[tag] = null;
  gpNormalize(gp);
}
