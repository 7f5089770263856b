/**
 * Thread-instance symmetry (`thread(kind, { symmetric: true })`): the kind's thread ids form a
 * symmetric domain named after the kind, and the state schema is rebuilt so that the kind's thread
 * array and every enum, map and set holding all of those ids are permuted by it. Their other
 * values (other threads' ids, `none`, …) stay fixed: the symmetry is partial.
 *
 * A type holding only some of the ids is left alone (it cannot be permuted within itself, and is
 * usually something else that shares a name, e.g. a subscription keyed `F` beside threads F, F2);
 * if the model's behaviour does depend on it, `--symmetry`'s soundness check reports the domain.
 *
 * @example
 * // Fault0..Fault2 are interchangeable: with --symmetry, states that differ only by a
 * // permutation of them (their pcs, locals, and a lock owner among them) are explored once
 * spec(fields).thread('Fault', { instances: 3, symmetric: true, steps })
 */
import { symmetric, type Key, type SymDomain, type Type } from './types';

/** The domain of a symmetric thread kind with thread ids `ids` (none without instances). */
export function threadDomain(kind: string, ids: readonly string[]): SymDomain<string> | undefined {
  return ids.length > 0 ? symmetric(kind, ids) : undefined;
}

/** The domain among `doms` whose values all appear in `holds`, if any (at most one may). */
function covering(doms: readonly SymDomain<string>[], holds: readonly Key[], path: string): SymDomain<string> | undefined {
  const found = doms.filter((d) => d.values.every((id) => holds.includes(id)));
  if (found.length > 1) {
    throw new Error(`${path} holds the ids of symmetric thread kinds ${found.map((d) => d.name).join(' and ')}: a type permuted by two domains is not supported`);
  }
  return found[0];
}

/** `type` with `sym` set to `d` (throws if it already has another symmetric domain). */
function withSym<T extends Type & { sym?: SymDomain }>(type: T, d: SymDomain | undefined, path: string): T {
  if (!d) return type;
  if (type.sym && type.sym.name !== d.name) throw new Error(`${path}: symmetric over ${type.sym.name} already, and holds the ids of symmetric thread kind ${d.name}`);
  return { ...type, sym: d };
}

/**
 * `type` with every enum, map and set that holds all the ids of a domain in `doms` made symmetric
 * over it. Types are rebuilt, never mutated (a type object may be shared between fields); subtrees
 * without such a type are returned as they are.
 */
export function withThreadSymmetry<T extends Type>(type: T, doms: readonly SymDomain<string>[]): T {
  return doms.length === 0 ? type : (rebuild(type, doms, 'state') as T);
}

function rebuild(type: Type, doms: readonly SymDomain<string>[], path: string): Type {
  switch (type.kind) {
    case 'bool':
    case 'int':
      return type;
    case 'enum':
      return withSym(type, covering(doms, type.values, path), path);
    case 'set':
      return withSym(type, covering(doms, type.domain, path), path);
    case 'map': {
      const value = rebuild(type.value, doms, `${path}[*]`);
      const m = withSym(type, covering(doms, type.domain, path), path);
      return value === type.value ? m : { ...m, value };
    }
    case 'record': {
      const entries = Object.entries(type.fields);
      const next = entries.map(([k, f]) => [k, rebuild(f, doms, `${path}.${k}`)] as const);
      // fromEntries: a field named __proto__ stays an own property.
      return next.some(([, f], i) => f !== entries[i]![1]) ? { ...type, fields: Object.fromEntries(next) } : type;
    }
    case 'setOf':
    case 'bag': {
      const elem = rebuild(type.elem, doms, `${path}{*}`);
      return elem === type.elem ? type : { ...type, elem };
    }
    case 'array':
    case 'seq':
    case 'optional': {
      const inner = type.kind === 'optional' ? type.inner : type.elem;
      const next = rebuild(inner, doms, type.kind === 'optional' ? path : `${path}[*]`);
      if (next === inner) return type;
      return type.kind === 'optional' ? { ...type, inner: next } : { ...type, elem: next };
    }
    case 'tuple': {
      const elems = type.elems.map((e, i) => rebuild(e, doms, `${path}[${i}]`));
      return elems.some((e, i) => e !== type.elems[i]) ? { ...type, elems } : type;
    }
  }
}
