/**
 * Traces in the Informal Trace Format (ITF) used by Apalache and Quint: `#meta`, `vars`, and
 * `states`, each state with `#meta.index` and the action that produced it; run metadata under
 * `#meta.hmmcheck`. Values: records as objects, fixed arrays and sequences as arrays, `#tup`,
 * `#set`, `#map`, and optionals as Quint's Option variant (`{ tag: "Some"|"None", value }`).
 */
import type { ConstValue } from '../../spec/model';
import type { Type } from '../../spec/types';
import { Bag } from '../../spec/bag';
import { ValueSet } from '../../spec/valueSet';
import type { Trace } from './trace';

export interface TraceMeta {
  readonly model: string;
  /** Set when the model was loaded from a file rather than the registry: compared with `--spec`, never loaded. */
  readonly modelPath?: string;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  /** The property the trace violates: an invariant or action property name, or `deadlock`. */
  readonly property: string;
  readonly propertyKind: 'invariant' | 'action' | 'deadlock' | 'liveness' | 'error';
  readonly strategy: string;
  readonly version: string;
}

export interface ItfState {
  readonly '#meta': { index: number; action: string; params?: Record<string, string | number> };
  readonly [v: string]: unknown;
}

export interface ItfTrace {
  readonly '#meta': { format: 'ITF'; 'format-description': string; source: string; description: string; hmmcheck: TraceMeta };
  readonly vars: string[];
  readonly states: ItfState[];
  readonly loop?: number;
}

const PROPERTY_KINDS: readonly TraceMeta['propertyKind'][] = ['invariant', 'action', 'deadlock', 'liveness', 'error'];

/** A malformed or mismatching ITF document. */
export class ItfError extends Error {}

export function toItfValue(type: Type, v: any): unknown {
  switch (type.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return v;
    case 'record':
      return Object.fromEntries(Object.entries(type.fields).map(([k, ft]) => [k, toItfValue(ft, v[k])]));
    case 'array':
      return (v as any[]).map((x) => toItfValue(type.elem, x));
    case 'seq':
      return (v as any[]).map((x) => toItfValue(type.elem, x));
    case 'tuple':
      return { '#tup': type.elems.map((et, i) => toItfValue(et, v[i])) };
    case 'set':
      return { '#set': type.domain.filter((k) => (v as Set<unknown>).has(k)) };
    case 'map':
      return { '#map': type.domain.map((k) => [k, toItfValue(type.value, v[k])]) };
    case 'setOf':
      return { '#set': [...(v as ValueSet<unknown>)].map((x) => toItfValue(type.elem, x)) };
    case 'bag':
      // A bag is a function from elements to their copies (TLA+'s Bags module).
      return { '#map': [...(v as Bag<unknown>).entries()].map(([x, n]) => [toItfValue(type.elem, x), n]) };
    case 'optional':
      return v === null ? { tag: 'None', value: { '#tup': [] } } : { tag: 'Some', value: toItfValue(type.inner, v) };
  }
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Field `k` of a parsed object, own properties only (a file's `constructor` is not Object's). */
function own(x: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(x, k) ? x[k] : undefined;
}

/** Decodes an ITF value of `type`; structural problems throw ItfError naming the path. */
export function fromItfValue(type: Type, x: unknown, path: string): any {
  const bad = (what: string): never => {
    throw new ItfError(`${path}: expected ${what}, found ${JSON.stringify(x)?.slice(0, 60)}`);
  };
  switch (type.kind) {
    case 'bool':
      return typeof x === 'boolean' ? x : bad('a boolean');
    case 'int':
      if (isObj(x) && typeof x['#bigint'] === 'string') return Number(x['#bigint']);
      return typeof x === 'number' ? x : bad('an integer');
    case 'enum':
      return typeof x === 'string' ? x : bad('a string');
    case 'record':
      if (!isObj(x)) return bad('a record');
      return Object.fromEntries(Object.entries(type.fields).map(([k, ft]) => [k, fromItfValue(ft, own(x, k), `${path}.${k}`)]));
    case 'array':
    case 'seq':
      if (!Array.isArray(x)) return bad('a list');
      return x.map((e, i) => fromItfValue(type.elem, e, `${path}[${i}]`));
    case 'tuple': {
      const items = isObj(x) ? own(x, '#tup') : undefined;
      if (!Array.isArray(items)) return bad('a #tup');
      return type.elems.map((et, i) => fromItfValue(et, items[i], `${path}[${i}]`));
    }
    case 'set': {
      const items = isObj(x) ? own(x, '#set') : undefined;
      if (!Array.isArray(items)) return bad('a #set');
      return new Set(items);
    }
    case 'setOf': {
      const items = isObj(x) ? own(x, '#set') : undefined;
      if (!Array.isArray(items)) return bad('a #set');
      return new ValueSet(items.map((e, i) => fromItfValue(type.elem, e, `${path}{${i}}`)));
    }
    case 'bag': {
      const pairs = isObj(x) ? own(x, '#map') : undefined;
      if (!Array.isArray(pairs)) return bad('a #map');
      const bag = new Bag();
      for (const p of pairs) {
        if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[1]) || p[1] < 1) return bad('#map pairs of an element and its copies');
        bag.add(fromItfValue(type.elem, p[0], `${path}{}`), p[1]);
      }
      return bag;
    }
    case 'map': {
      const pairs = isObj(x) ? own(x, '#map') : undefined;
      if (!Array.isArray(pairs)) return bad('a #map');
      const out: Record<string, unknown> = {};
      for (const p of pairs) {
        if (!Array.isArray(p) || p.length !== 2) return bad('#map pairs');
        const key = String(p[0]);
        if (!type.domain.some((k) => String(k) === key)) throw new ItfError(`${path}: key ${JSON.stringify(p[0])?.slice(0, 40)} is not in the map's domain`);
        if (Object.hasOwn(out, key)) throw new ItfError(`${path}: key ${JSON.stringify(p[0])} appears twice`);
        // defineProperty: a `__proto__` key is an own entry, never the prototype.
        Object.defineProperty(out, key, { value: fromItfValue(type.value, p[1], `${path}[${key}]`), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'optional':
      if (!isObj(x) || (x.tag !== 'Some' && x.tag !== 'None')) return bad('an Option variant');
      return x.tag === 'None' ? null : fromItfValue(type.inner, x.value, path);
  }
}

/** The ITF document of a trace. */
export function traceToItf(schema: Type, trace: Trace, meta: TraceMeta, description: string): ItfTrace {
  if (schema.kind !== 'record') throw new Error('state schema must be a record');
  const vars = Object.keys(schema.fields);
  const states = trace.steps.map((step, index) => {
    const s: Record<string, unknown> = { '#meta': { index, action: step.label, ...(index > 0 ? { params: { ...step.params } } : {}) } };
    for (const v of vars) s[v] = toItfValue(schema.fields[v]!, step.state[v]);
    return s as ItfState;
  });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: meta.modelPath ?? meta.model,
      description,
      hmmcheck: meta,
    },
    vars,
    states,
    ...(trace.loop !== undefined ? { loop: trace.loop } : {}),
  };
}

/** The top-level JSON object of an ITF file, from any tool; an ItfError names what is wrong. */
export function parseItfObject(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ItfError(`not valid JSON (truncated?): ${(e as Error).message}`);
  }
  if (!isObj(doc)) throw new ItfError('not an ITF object');
  return doc;
}

/** Parses the text of an ITF file and checks its outline; values are decoded later against the schema. */
export function parseItf(text: string): ItfTrace {
  const doc = parseItfObject(text);
  const meta = doc['#meta'];
  if (!isObj(meta) || !isObj(meta.hmmcheck)) throw new ItfError('missing #meta.hmmcheck (model, variant, constants, property)');
  const hm = meta.hmmcheck;
  if (typeof hm.model !== 'string' || typeof hm.variant !== 'string' || !isObj(hm.constants) || typeof hm.property !== 'string') {
    throw new ItfError('#meta.hmmcheck must name model, variant, constants and property');
  }
  if (hm.modelPath !== undefined && typeof hm.modelPath !== 'string') throw new ItfError('#meta.hmmcheck.modelPath must be a string');
  if (!PROPERTY_KINDS.includes(hm.propertyKind as never)) throw new ItfError(`#meta.hmmcheck.propertyKind must be one of ${PROPERTY_KINDS.join(', ')}`);
  if (!Array.isArray(doc.vars) || !doc.vars.every((v) => typeof v === 'string')) throw new ItfError('missing vars');
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw new ItfError('no states');
  doc.states.forEach((s, i) => {
    if (!isObj(s) || !isObj(s['#meta']) || typeof s['#meta'].action !== 'string') throw new ItfError(`state ${i}: missing #meta.action`);
    const params = s['#meta'].params;
    if (params !== undefined && (!isObj(params) || !Object.values(params).every((v) => typeof v === 'string' || typeof v === 'number'))) {
      throw new ItfError(`state ${i}: #meta.params must map parameter names to strings or numbers`);
    }
  });
  const loop = doc.loop;
  if (loop !== undefined && !(Number.isInteger(loop) && (loop as number) >= 0 && (loop as number) < doc.states.length)) {
    throw new ItfError(`loop must be the index of a state of the trace, an integer 0..${doc.states.length - 1}; found ${JSON.stringify(loop)?.slice(0, 40)}`);
  }
  return doc as unknown as ItfTrace;
}
