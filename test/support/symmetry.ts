/**
 * A reference for symmetry tests, written from the meaning of `sym` and not from the generated
 * code: permuting a state object value by value, every permutation of a schema's domains, and the
 * permutation class of a state by brute force.
 */
import type { Codec } from '../../checker/state/codec';
import { permutations } from '../../checker/state/symmetry';
import { Bag } from '../../spec/bag';
import type { Key, SymDomain, Type } from '../../spec/types';
import { ValueSet } from '../../spec/valueSet';

/** A permutation of each domain by name: fwd[i] is the index of value i's image. */
export type DomainPerm = Readonly<Record<string, readonly number[]>>;

function image(d: SymDomain | undefined, p: DomainPerm, k: Key): Key {
  const i = d ? d.values.indexOf(k) : -1;
  return i < 0 ? k : d!.values[p[d!.name]![i]!]!;
}

/** `v` with every value of a symmetric domain renamed by `p` (values outside a partial domain stay). */
export function permuteValue(type: Type, v: any, p: DomainPerm): any {
  switch (type.kind) {
    case 'bool':
      return v;
    case 'int':
    case 'enum':
      return image(type.sym, p, v);
    case 'record':
      return Object.fromEntries(Object.entries(type.fields).map(([k, f]) => [k, permuteValue(f, v[k], p)]));
    case 'array': {
      const out: any[] = (v as any[]).map((x) => permuteValue(type.elem, x, p));
      if (!type.sym) return out;
      const moved: any[] = [];
      out.forEach((x, i) => (moved[p[type.sym!.name]![i]!] = x));
      return moved;
    }
    case 'tuple':
      return type.elems.map((e, i) => permuteValue(e, v[i], p));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const k of type.domain) out[String(image(type.sym, p, k))] = permuteValue(type.value, v[k], p);
      return out;
    }
    case 'set':
      return new Set([...(v as Set<Key>)].map((k) => image(type.sym, p, k)));
    case 'seq':
      return (v as any[]).map((x) => permuteValue(type.elem, x, p));
    case 'optional':
      return v === null ? null : permuteValue(type.inner, v, p);
    case 'setOf':
      return new ValueSet([...(v as ValueSet<unknown>)].map((x) => permuteValue(type.elem, x, p)));
    case 'bag': {
      const out = new Bag<unknown>();
      for (const [x, n] of (v as Bag<unknown>).entries()) out.add(permuteValue(type.elem, x, p), n);
      return out;
    }
  }
}

/** Every combination of one permutation per domain. */
export function allPerms(domains: readonly SymDomain[]): DomainPerm[] {
  let acc: Record<string, number[]>[] = [{}];
  for (const d of domains) acc = acc.flatMap((q) => permutations(d.values.length).map((f) => ({ ...q, [d.name]: f })));
  return acc;
}

/** `p` as the codec's argument: [fwd, inv] per domain in `codec.symDomains` order. */
export function permArg(codec: Codec, p: DomainPerm): Int32Array[] {
  return codec.symDomains.flatMap((d) => {
    const fwd = Int32Array.from(p[d.name]!);
    const inv = new Int32Array(fwd.length);
    fwd.forEach((to, from) => (inv[to] = from));
    return [fwd, inv];
  });
}

/** Packed words of `s` as a string key. */
export function packed(codec: Codec, s: unknown): string {
  const w = new Uint32Array(codec.words);
  codec.encode(s, w, 0);
  return w.join(',');
}

/** A key shared by exactly the states of `s`'s permutation class (the least packed form of any member). */
export function classKey(codec: Codec, type: Type, s: unknown, perms: readonly DomainPerm[]): string {
  return perms.map((p) => packed(codec, permuteValue(type, s, p))).sort()[0]!;
}
