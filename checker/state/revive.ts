/**
 * States that crossed a thread boundary (postMessage's structured clone) lose their classes: a
 * ValueSet or a Bag arrives as a plain object holding its Maps. reviveState gives them back their
 * class, by the schema, so that traces from worker threads print, serialise and replay.
 */
import { Bag } from '../../spec/bag';
import type { Type } from '../../spec/types';
import { ValueSet } from '../../spec/valueSet';
import type { Trace } from '../trace/trace';

/** `v` (of type `type`) with every set of composite values and bag back in its class, in place. */
export function reviveState(type: Type, v: any): any {
  if (v === null || typeof v !== 'object') return v;
  switch (type.kind) {
    case 'setOf':
    case 'bag':
      if (!(v instanceof ValueSet) && !(v instanceof Bag)) Object.setPrototypeOf(v, type.kind === 'bag' ? Bag.prototype : ValueSet.prototype);
      return v;
    case 'record':
      for (const [k, f] of Object.entries(type.fields)) if (Object.hasOwn(v, k)) reviveState(f, v[k]);
      return v;
    case 'map':
      for (const k of type.domain) if (Object.hasOwn(v, String(k))) reviveState(type.value, v[k]);
      return v;
    case 'array':
    case 'seq':
      for (const x of v) reviveState(type.elem, x);
      return v;
    case 'tuple':
      type.elems.forEach((e, i) => reviveState(e, v[i]));
      return v;
    case 'optional':
      return reviveState(type.inner, v);
    default:
      return v;
  }
}

/** The trace with its states revived (in place). */
export function reviveTrace<T extends Trace | undefined>(type: Type, trace: T): T {
  for (const step of trace?.steps ?? []) reviveState(type, step.state);
  return trace;
}
