/**
 * hmm/m5-hmm-pt (hmm-domain.md §1.12, §3 M5): exact verdicts, trace lengths and state counts of
 * every variant at every bound (levels 2..3 × populators 1..2, one worker BFS), the expectation's
 * bound being the smallest that shows each bug, and the races each guard handles, step by step.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m5HmmPt } from '../../../../models/hmm/m5';
import { isSubsequence, labels } from '../support';

type Row = readonly [variant: string, levels: number, populators: number, verdict: string, steps: number | null, distinct: number];

/** Measured with this model (BFS, one worker); `holds` rows are full state spaces. */
const TABLE: readonly Row[] = [
  ['fixed', 2, 1, 'holds', null, 164],
  ['fixed', 2, 2, 'holds', null, 2156],
  ['fixed', 3, 1, 'holds', null, 512],
  ['fixed', 3, 2, 'holds', null, 16072],
  ['v2-fini-directory', 2, 1, 'holds', null, 164],
  ['v2-fini-directory', 2, 2, 'holds', null, 2156],
  ['v2-fini-directory', 3, 1, 'INV-UAF-DIR', 23, 266],
  ['v2-fini-directory', 3, 2, 'INV-UAF-DIR', 32, 7183],
  ['mutant-unref-clears-unconditionally', 2, 1, 'INV-REACH', 18, 130],
  ['mutant-unref-clears-unconditionally', 2, 2, 'INV-REACH', 18, 815],
  ['mutant-unref-clears-unconditionally', 3, 1, 'INV-COUNT', 21, 218],
  ['mutant-unref-clears-unconditionally', 3, 2, 'INV-COUNT', 21, 1494],
  ['mutant-free-without-synchronize-rcu', 2, 1, 'INV-UAF-DIR', 13, 75],
  ['mutant-free-without-synchronize-rcu', 2, 2, 'INV-UAF-DIR', 13, 322],
  ['mutant-free-without-synchronize-rcu', 3, 1, 'INV-UAF-DIR', 19, 178],
  ['mutant-free-without-synchronize-rcu', 3, 2, 'INV-UAF-DIR', 19, 1111],
  ['mutant-walker-plain-inc', 2, 1, 'INV-REACH', 13, 83],
  ['mutant-walker-plain-inc', 2, 2, 'INV-REACH', 13, 342],
  ['mutant-walker-plain-inc', 3, 1, 'INV-REACH', 17, 148],
  ['mutant-walker-plain-inc', 3, 2, 'INV-REACH', 17, 834],
  ['mutant-populate-no-recheck', 2, 1, 'holds', null, 158],
  ['mutant-populate-no-recheck', 2, 2, 'INV-REACH', 20, 1163],
  ['mutant-populate-no-recheck', 3, 1, 'holds', null, 490],
  ['mutant-populate-no-recheck', 3, 2, 'INV-COUNT', 25, 2802],
  ['mutant-caller-skips-bottom-ref', 2, 1, 'INV-COUNT', 10, 51],
  ['mutant-caller-skips-bottom-ref', 2, 2, 'INV-COUNT', 10, 181],
  ['mutant-caller-skips-bottom-ref', 3, 1, 'INV-COUNT', 14, 100],
  ['mutant-caller-skips-bottom-ref', 3, 2, 'INV-COUNT', 14, 513],
];

const run = (variant: string, levels: number, populators: number) => checkSpec(instantiate(m5HmmPt, variant, { levels, populators }).spec);

describe('hmm/m5-hmm-pt', () => {
  it.each(TABLE)('%s at levels=%i populators=%i: %s in %s steps, %i distinct', (variant, levels, populators, verdict, steps, distinct) => {
    const { result, trace } = run(variant, levels, populators);
    const v = result.verdict;
    expect(v.kind === 'violation' ? v.property : v.kind).toBe(verdict);
    expect(trace ? trace.steps.length - 1 : null).toBe(steps);
    expect(result.stats.distinct).toBe(distinct);
  });

  it("each variant's expectation names the smallest bound of the table that shows its verdict", () => {
    const size = (r: Row) => r[1] * 10 + r[2];
    for (const [name, def] of Object.entries(m5HmmPt.variants)) {
      const want = def.expect.verdict === 'violation' ? def.expect.property : def.expect.verdict;
      const rows = TABLE.filter((r) => r[0] === name);
      const at = { levels: 2, populators: 1, ...def.expect.at };
      const row = rows.find((r) => r[1] === at.levels && r[2] === at.populators)!;
      expect(row[3], name).toBe(want);
      // fixed is expected at the largest bound; a bug at the smallest one that shows it.
      if (name === 'fixed') expect(rows.every((r) => r[3] === 'holds' && size(r) <= size(row))).toBe(true);
      else expect(rows.filter((r) => r[3] === want).every((r) => size(r) >= size(row)), name).toBe(true);
    }
  });

  it('the fixed iterator stays under the newcomer budget of 17k states at levels 3 with 2 populators', () => {
    expect(TABLE.find((r) => r[0] === 'fixed' && r[1] === 3 && r[2] === 2)![5]).toBeLessThan(17_000);
  });

  it('H12: teardown frees the level-1 directory twice (Z2 frees it instead of the child, Z3 again)', () => {
    const { trace } = run('v2-fini-directory', 3, 1);
    expect(labels(trace).slice(-3)).toEqual(['Teardown.Z1', 'Teardown.Z2', 'Teardown.Z3']);
  });

  it('the U3 check: unlinking unconditionally erases the entry of the directory F linked over the dying one', () => {
    const order = ['W.U1', 'F.R2', 'F.F5', 'F.F5s', 'W.U3', 'F.F8'];
    expect(isSubsequence(order, labels(run('mutant-unref-clears-unconditionally', 2, 1).trace))).toBe(true);
  });

  it('the grace period: without it W frees a directory F read at R1 and F increments it at R2', () => {
    const l = labels(run('mutant-free-without-synchronize-rcu', 2, 1).trace);
    // U6a is the mutant's free step (its synchronize_rcu steps are gone).
    expect(isSubsequence(['W.U1', 'F.R1', 'W.U3', 'W.U6a', 'F.R2'], l)).toBe(true);
    expect(l.at(-1)).toBe('F.R2');
  });

  it('inc_not_zero: a plain increment resurrects the unlinked directory, which F then maps a pte in', () => {
    const l = labels(run('mutant-walker-plain-inc', 2, 1).trace);
    expect(isSubsequence(['W.U1', 'F.R1', 'W.U3', 'F.R2', 'F.F8'], l)).toBe(true);
  });

  it('the re-check under the parent lock: the second populator overwrites the first one\'s new directory', () => {
    const l = labels(run('mutant-populate-no-recheck', 2, 2).trace);
    expect(isSubsequence(['F0.F5s', 'F1.F5s'], l) || isSubsequence(['F1.F5s', 'F0.F5s'], l)).toBe(true);
  });
});
