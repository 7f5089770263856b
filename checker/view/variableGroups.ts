/**
 * The lanes of a trace of an unknown model: its variables in groups. A variable's group is its
 * qualifier (`inst::n` → `inst`, `a.b` → `a`), or a prefix it shares with another variable
 * (`rm_state` and `rm_prepared` → `rm`; `tmState` and `tmPrepared` → `tm`); any other variable is
 * a group of its own. Groups keep the order of their first variable.
 */

/** The qualifier of `name`, or undefined. */
function qualifier(name: string): string | undefined {
  const m = /^(.+?)(?:::|\.)[^:.]/.exec(name);
  return m?.[1];
}

/** The first word of `name`: up to the first `_` or the first lower-to-upper case step. */
function firstWord(name: string): string | undefined {
  const m = /^([A-Za-z0-9]*?[a-z0-9])(?:_|(?=[A-Z]))/.exec(name);
  return m?.[1];
}

/**
 * Groups of `vars`, in order.
 *
 * @example
 * variableGroups(['rmState', 'tmState', 'tmPrepared', 'msgs'])
 * // [['rmState', ['rmState']], ['tm', ['tmState', 'tmPrepared']], ['msgs', ['msgs']]]
 */
export function variableGroups(vars: readonly string[]): [group: string, vars: string[]][] {
  const words = new Map<string, number>();
  for (const v of vars) {
    const w = qualifier(v) === undefined ? firstWord(v) : undefined;
    if (w !== undefined) words.set(w, (words.get(w) ?? 0) + 1);
  }
  const groups = new Map<string, string[]>();
  for (const v of vars) {
    const w = firstWord(v);
    const group = qualifier(v) ?? (w !== undefined && (words.get(w) ?? 0) > 1 ? w : v);
    const list = groups.get(group) ?? [];
    list.push(v);
    groups.set(group, list);
  }
  return [...groups];
}
