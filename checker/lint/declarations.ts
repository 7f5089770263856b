/**
 * A model's access declarations (spec/access.ts) resolved against its fields and locks: each
 * field gets the discipline of the longest declaration that matches its path (`*` matching any one
 * key), with `*` in a `guardedBy` lock path replaced by the keys the field's path matched there.
 * Declarations that match no field and locks that name no lock are reported, not ignored.
 */
import type { AccessDecls, Discipline } from '../../spec/access';
import type { LockSite } from '../../spec/kernel/lockdep';
import type { FieldTable } from './fields';

/** A field's resolved discipline. */
export type FieldRule =
  | { readonly kind: 'undeclared' }
  | { readonly kind: 'lockless' | 'atomic' | 'ghost'; readonly decl: string }
  | { readonly kind: 'guarded'; readonly decl: string; readonly locks: readonly string[]; readonly lockfreeReads: boolean };

export interface Resolved {
  /** Per field index. */
  readonly rules: readonly FieldRule[];
  /** Mistakes in the declarations themselves (each is a finding). */
  readonly problems: readonly string[];
}

/** `a.b[c][*].d` → `['a', 'b', 'c', '*', 'd']`. */
export function pathTokens(path: string): string[] {
  return path.split(/[.[\]]+/).filter(Boolean);
}

/** The keys `*` stood for, if `pattern` is a prefix of `tokens`; otherwise undefined. */
function match(pattern: readonly string[], tokens: readonly string[]): string[] | undefined {
  if (pattern.length > tokens.length) return undefined;
  const stars: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') stars.push(tokens[i]!);
    else if (pattern[i] !== tokens[i]) return undefined;
  }
  return stars;
}

/** Resolves `decls` for the fields of `table`, checking lock names against `sites`. */
export function resolveAccess(decls: AccessDecls | undefined, table: FieldTable, sites: readonly LockSite[]): Resolved {
  const entries = Object.entries(decls ?? {}).map(([path, d]) => ({ path, tokens: pathTokens(path), d }));
  const lockKeys = new Set(sites.map((s) => pathTokens(s.path).join('.')));
  const problems: string[] = [];
  const used = new Set<string>();
  const rules = table.names.map((name, f): FieldRule => {
    const tokens = pathTokens(name);
    let best: { path: string; d: Discipline; stars: string[]; len: number } | undefined;
    for (const e of entries) {
      const stars = match(e.tokens, tokens);
      if (stars && (!best || e.tokens.length > best.len)) best = { path: e.path, d: e.d, stars, len: e.tokens.length };
    }
    if (!best) {
      if (table.seqcount[f]) return { kind: 'lockless', decl: '(seqcount)' };
      if (name === 'err' || tokens[tokens.length - 1] === 'freed') return { kind: 'ghost', decl: '(errors.ts convention)' };
      return { kind: 'undeclared' };
    }
    used.add(best.path);
    const d = best.d;
    if (d === 'lockless' || d === 'atomic' || d === 'ghost') return { kind: d, decl: best.path };
    const stars = best.stars;
    const locks = (typeof d.guardedBy === 'string' ? [d.guardedBy] : d.guardedBy).map((l) => {
      let i = 0;
      return pathTokens(l)
        .map((t) => (t === '*' ? (stars[i++] ?? '*') : t))
        .join('.');
    });
    for (const l of locks) {
      if (!lockKeys.has(l)) problems.push(`.access: '${best.path}' is guardedBy '${l}', which is not a lock of the state (a mutexType, spinlockType, rwsemType, seqcountType or lockType field)`);
    }
    return { kind: 'guarded', decl: best.path, locks, lockfreeReads: d.lockfreeReads === true };
  });
  for (const e of entries) if (!used.has(e.path)) problems.push(`.access: '${e.path}' matches no shared field of the state`);
  return { rules, problems: [...new Set(problems)] };
}
