import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { m2DeviceFault } from '../../../../models/hmm/m2/deviceFault';
import { m2Models } from '../../../../models/hmm/m2';
import { isSubsequence, labels, mutate, replayLabels, withInvariants } from '../support';

const spec = (variant: string, consts: Record<string, string> = {}) => instantiate(m2DeviceFault, variant, consts).spec;

/** The doc's H5 micro instance: F alone, a write fault in a VMA without VM_WRITE. */
const H5_MICRO = { invalidations: '0', remove: 'false', insert: 'false', access: 'write-ro' };

describe('hmm/m2-device-fault registration', () => {
  it('exports one model with the variant names of hmm-domain.md, each with its kernel reference', () => {
    expect(m2Models.map((m) => m.name)).toEqual(['hmm/m2-device-fault']);
    expect(Object.keys(m2DeviceFault.variants)).toEqual([
      'fixed',
      'range-valid-not-sticky',
      'mmap-lock-ownership',
      'nonblock-leaks-notifiers',
      'write-fault-ro-vma-loop',
      'interval-remove-lockless-wait',
      'mutant-fault-recursive-mmap-read',
    ]);
    for (const v of Object.values(m2DeviceFault.variants)) expect(v.ref).toBeTruthy();
  });

  it('every variant gives its expected verdict at the default constants (BFS; DFS for safety)', () => {
    for (const [name, v] of Object.entries(m2DeviceFault.variants)) {
      // Temporal properties are checked over the BFS graph only; DFS checks the safety part.
      for (const strategy of v.expect.verdict === 'liveness' ? (['bfs'] as const) : (['bfs', 'dfs'] as const)) {
        const { verdict } = checkSpec(spec(name), { strategy }).result;
        if (v.expect.verdict === 'violation' || v.expect.verdict === 'liveness') expect(verdict, `${name} ${strategy}`).toMatchObject({ kind: v.expect.verdict, property: v.expect.property });
        else expect(verdict.kind, `${name} ${strategy}`).toBe(v.expect.verdict);
      }
    }
  });
});

describe('hmm/m2-device-fault mutant-fault-recursive-mmap-read (recursive down_read, spec/kernel/rwsem readDepth)', () => {
  it('deadlocks (BFS, 14 steps at the defaults): F waits in its second down_read behind munmap\'s queued down_write, which waits for F\'s first hold', () => {
    const { result, trace } = checkSpec(spec('mutant-fault-recursive-mmap-read'));
    expect(result.verdict.kind).toBe('deadlock');
    expect(result.stats.distinct).toBe(2705);
    expect(labels(trace)).toHaveLength(14);
    const last = trace!.steps.at(-1)!.state;
    expect(last.F[0].pc).toBe('NVr1');
    expect([...last.mmap.readers]).toEqual(['F']);
    expect([...last.mmap.waiting]).toEqual(['Mu']);
  });

  it('with no invalidations the deadlock is NV1, MU1; without the munmap writer the recursive read is harmless', () => {
    expect(labels(checkSpec(spec('mutant-fault-recursive-mmap-read', { invalidations: '0' })).trace)).toEqual(['F.NV1', 'Mu.MU1']);
    const sp = spec('mutant-fault-recursive-mmap-read', { invalidations: '0' });
    const states = replayLabels(sp, ['F.NV1', 'F.NVr1']);
    expect(states.at(-1).mmap.nested.F).toBe(1);
  });
});

describe('hmm/m2-device-fault range-valid-not-sticky (H3)', () => {
  it('BFS finds the stale device mapping in 14 steps, in the order of the doc (§2 H3)', () => {
    const { result, trace } = checkSpec(spec('range-valid-not-sticky'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(labels(trace)).toEqual([
      'F.NV1', 'F.NV2', 'F.NV2w', 'F.L2', 'F.L3',
      'Inv1.IS2', 'Inv1.IS5', 'Inv1.IS6',
      'F.NV4',
      'Inv1.IS7', 'Inv1.I3', 'Inv1.IE2',
      'F.NV5', 'F.NV6',
    ]);
    // The doc's order: snapshot, invalidate (valid := false), zap, PTE change, end (valid := true
    // again), valid checked under DLOCK, the old pfn programmed.
    expect(isSubsequence(['F.L3', 'Inv1.IS2', 'Inv1.IS6', 'Inv1.I3', 'Inv1.IE2', 'F.NV5', 'F.NV6'], labels(trace))).toBe(true);
    const steps = trace!.steps;
    expect(steps[6]!.state.range.valid).toBe(false); // IS2
    expect(steps[12]!.state.range.valid).toBe(true); // IE2 re-validates
    expect(steps.at(-1)!.state).toMatchObject({ cpuPte: 1, devPte: 0, err: null });
  });

  it('has H4 fixed: no ownership error anywhere in the era', () => {
    const sp = withInvariants(spec('range-valid-not-sticky', { timeouts: 'true', invalidations: '2', access: 'any' }), {
      'INV-MMAPOWN': (s) => s.err !== 'MMAP_UNLOCK_NOT_HELD',
      NOERR: (s) => s.err === null,
    });
    // Safety only: the legacy walk also has H5's loop (fixed in Aug 2019, after v5.2), so with
    // access=any it violates LIVE-TERMINATION.
    expect(checkSpec(sp, { liveness: false }).result.verdict.kind).toBe('holds');
  });
});

describe('hmm/m2-device-fault mmap-lock-ownership (H4)', () => {
  it('BFS finds the unlock of an MMAP not held in 7 steps: L2 up_reads, NV3 passes -EAGAIN on, NV8 up_reads again', () => {
    const { result, trace } = checkSpec(spec('mmap-lock-ownership'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-MMAPOWN' });
    expect(labels(trace)).toEqual(['F.NV1', 'F.NV2', 'F.NV2w', 'Inv1.IS2', 'F.L2', 'F.NV3', 'F.NV8']);
    const steps = trace!.steps;
    expect(steps[5]!.state.mmap.readers).toEqual(new Set()); // L2 dropped the caller's MMAP
    expect(steps.at(-1)!.state.err).toBe('MMAP_UNLOCK_NOT_HELD');
  });

  it('H3 is present in this era too, but its counterexample is longer, so INV-MMAPOWN is reported first', () => {
    const { result, trace } = checkSpec(withInvariants(spec('mmap-lock-ownership'), { 'INV-NOSTALE': (s) => s.devPte === null || s.devPte === s.cpuPte }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(labels(trace)).toHaveLength(14);
  });

  it('with the timeouts, the wait-until-valid error path double-unlocks in 5 steps (another arm of H4(c))', () => {
    const { result, trace } = checkSpec(spec('mmap-lock-ownership', { timeouts: 'true' }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-MMAPOWN' });
    expect(labels(trace)).toEqual(['F.NV1', 'F.NV2', 'Inv1.IS2', 'F.NV2w', 'F.NV8']);
  });
});

describe('hmm/m2-device-fault nonblock-leaks-notifiers (v5.2 error flows of hmm_invalidate_range_start)', () => {
  it("BFS finds hmm->notifiers leaked in 3 steps: the OOM reaper's notifiers++, nouveau's -EAGAIN, no unwind", () => {
    const { result, trace } = checkSpec(spec('nonblock-leaks-notifiers'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOTIFIERS' });
    expect(labels(trace)).toEqual(['Oom.IS2', 'Oom.IS5', 'Oom.IS6']);
    expect(trace!.steps.at(-1)!.state).toMatchObject({ notifiers: 1, msem: { readers: new Set() } });
  });

  it('the leak is the deadlock of the commit message: a later fault waits for range->valid for ever', () => {
    // Without INV-NOTIFIERS, the run where the reaper fails first ends with F stuck in NV2w.
    const sp = withInvariants(spec('nonblock-leaks-notifiers', { invalidations: '0', access: 'read' }), {});
    const { result, trace } = checkSpec(sp, { liveness: false });
    expect(result.verdict.kind).toBe('deadlock');
    expect(trace!.steps.at(-1)!.state.notifiers).toBe(1);
  });

  it("with the fix's unwind (the nonblock constant on any legacy variant) the count stays exact", () => {
    const full = spec('range-valid-not-sticky', { nonblock: 'true' });
    const counted = full.invariants.find((i) => i.name === 'INV-NOTIFIERS')!.check;
    const { result } = checkSpec(withInvariants(full, { 'INV-NOTIFIERS': counted, NOERR: (s) => s.err === null }), { liveness: false });
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(5156);
    // Not vacuous: the reaper does fail and unwind.
    const unwinds = checkSpec(withInvariants(full, { NeverUnwinds: (s) => s.Oom[0].pc !== 'ISu' }), { liveness: false });
    expect(labels(unwinds.trace)).toEqual(['Oom.IS2', 'Oom.IS5', 'Oom.IS6']);
  });
});

describe('hmm/m2-device-fault fixed with a classic subscriber beside the interval tree (subscriber=true)', () => {
  it('holds with 104208 distinct / 327860 generated states: the rwsem held from _start to _end keeps Cs off every PTE change', () => {
    const { result } = checkSpec(spec('fixed', { subscriber: 'true' }));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(104208);
    expect(result.stats.generated).toBe(327860);
  });

  it("the subscriber's callbacks run after the interval callbacks and its end after mn_itree_inv_end", () => {
    const sp = withInvariants(spec('fixed', { subscriber: 'true', invalidations: '1', remove: 'false', insert: 'false' }), { NeverEnds: (s) => s.Inv[0].pc !== 'done' });
    const l = labels(checkSpec(sp).trace);
    expect(isSubsequence(['Inv1.I1', 'Inv1.I2a', 'Inv1.I2c', 'Inv1.I2', 'Inv1.Gs1', 'Inv1.Gs2', 'Inv1.I3', 'Inv1.I4a', 'Inv1.I4d', 'Inv1.Ge'], l)).toBe(true);
  });

  it('a submission that maps without the write side (C1 skipped) maps a page an invalidation is replacing', () => {
    const broken = mutate(spec('fixed', { subscriber: 'true' }), 'Cs.C1', { effect: (d) => void (d.Cs[0].pc = 'C2') });
    const b2 = mutate(broken, 'Cs.C4', { effect: (d) => void (d.Cs[0].pc = 'done') });
    const { result, trace } = checkSpec(b2);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
    expect(trace!.steps.at(-1)!.state.gpu.pte).not.toBe(trace!.steps.at(-1)!.state.cpuPte);
  });
});

describe('hmm/m2-device-fault write-fault-ro-vma-loop (H5, a livelock)', () => {
  it('the micro instance is a 2-state lasso: HF1 → HF2 → back to the same state, for ever', () => {
    const { result, trace } = checkSpec(spec('write-fault-ro-vma-loop', H5_MICRO));
    expect(result.verdict).toMatchObject({ kind: 'liveness', property: 'LIVE-TERMINATION' });
    expect(result.stats).toMatchObject({ distinct: 4, generated: 5 });
    // The lasso the checker reports: the prefix to HF1, then the cycle HF1 → HF2 → HF1.
    expect(labels(trace)).toEqual(['F.RD1', 'F.F3', 'F.HF1', 'F.HF2']);
    expect(trace!.loop).toBe(2);
    expect(checkSpec(spec('fixed', H5_MICRO)).result.verdict.kind).toBe('holds');
    const states = replayLabels(spec('write-fault-ro-vma-loop', H5_MICRO), ['F.RD1', 'F.F3', 'F.HF1', 'F.HF2', 'F.HF1', 'F.HF2']);
    expect(states[2].F[0].pc).toBe('HF1');
    expect(states[4]).toEqual(states[2]);
    expect(states[6]).toEqual(states[2]);
  });

  it('F never returns in the buggy walk, even with invalidations around; the fixed walk returns -EPERM', () => {
    const fNotDone = { FNeverDone: (s: any) => s.F[0].pc !== 'done' };
    for (const consts of [H5_MICRO, { access: 'write-ro' }]) {
      expect(checkSpec(withInvariants(spec('write-fault-ro-vma-loop', consts), fNotDone), { liveness: false }).result.verdict.kind).toBe('holds');
      const fixed = checkSpec(withInvariants(spec('fixed', consts), fNotDone));
      expect(fixed.result.verdict).toMatchObject({ kind: 'violation', property: 'FNeverDone' });
      expect(labels(fixed.trace).at(-1)).toBe('F.F5');
      expect(fixed.trace!.steps.at(-2)!.state.F[0].ret).toBe('EPERM');
      expect(fixed.trace!.steps.at(-1)!.state.devPte).toBeNull();
    }
    expect(labels(checkSpec(withInvariants(spec('fixed', H5_MICRO), fNotDone)).trace)).toEqual(['F.RD1', 'F.F3', 'F.HF1', 'F.HF2', 'F.F5']);
  });
});

describe('hmm/m2-device-fault interval-remove-lockless-wait (H11)', () => {
  const h11 = ['Inv1.I1', 'Inv1.I2', 'Inv1.I3', 'Rm.Y1', 'Inv1.I4a', 'Inv1.I4b', 'Rm.Y2', 'Rm.Y3'];

  it('BFS finds the subscription freed while still on the tree and the deferred list in 8 steps (§2 H11)', () => {
    const { result, trace } = checkSpec(spec('interval-remove-lockless-wait'), { strategy: 'bfs' });
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-SUBFREE' });
    expect(labels(trace)).toEqual(h11);
    expect(isSubsequence(['Inv1.I1', 'Rm.Y1', 'Inv1.I4b', 'Rm.Y2', 'Rm.Y3'], labels(trace))).toBe(true);
    const last = trace!.steps.at(-1)!.state;
    expect(last.sub.R).toMatchObject({ freed: true, inTree: true, deferred: true });
    expect(last.subs.lock.owner).toBe('Inv1'); // I4 is still inside its SUBS section
  });

  it("I4's deferred processing then touches the freed subscription; with the fix Y2 cannot pass before I4 unlocks", () => {
    const states = replayLabels(spec('interval-remove-lockless-wait'), [...h11, 'Inv1.I4c']);
    expect(states.at(-1).err).toBe('UAF_SUB');
    expect(() => replayLabels(spec('fixed'), h11)).toThrow('Rm.Y2 is not enabled after 6 steps');
    const fixed = replayLabels(spec('fixed'), [...h11.slice(0, 6), 'Inv1.I4c', 'Inv1.I4d', 'Rm.Y2', 'Rm.Y3']);
    expect(fixed.at(-1).sub.R).toMatchObject({ freed: true, inTree: false, deferred: false });
    expect(fixed.at(-1).err).toBeNull();
  });
});

describe('hmm/m2-device-fault fixed (sequence era)', () => {
  it('holds with 12014 distinct / 29167 generated states in BFS and DFS', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(spec('fixed'), { strategy });
      expect(result.verdict.kind).toBe('holds');
      expect(result.stats.distinct).toBe(12014);
      expect(result.stats.generated).toBe(29167);
    }
  });

  it('is not vacuous: F maps pages (also the newest, after retries), inserts and removals get deferred, RD2 and F7 do wait and retry', () => {
    const sp = spec('fixed');
    const reach = (name: string, p: (s: any) => boolean) => {
      const { result } = checkSpec(withInvariants(sp, { [name]: (s) => !p(s) }));
      expect(result.verdict, name).toMatchObject({ kind: 'violation', property: name });
    };
    reach('F maps v0', (s) => s.devPte === 0 && s.F[0].pc === 'done');
    reach('F maps v2 after both invalidations', (s) => s.devPte === 2 && s.F[0].pc === 'done');
    reach('deferred insert of sF', (s) => s.sub.F.deferred);
    // IN2's third branch: an invalidation is in flight but found no subscription (seq even).
    reach('IN2 while active > 0 and seq even', (s) => s.F[0].pc === 'IN2' && s.subs.active > 0 && s.subs.seq % 2 === 0);
    reach('deferred removal of sR', (s) => s.sub.R.deferred);
    reach('RD2 blocked', (s) => s.F[0].pc === 'RD2' && s.subs.seq === s.F[0].r);
    reach('F7 read_retry fails', (s) => s.F[0].pc === 'F7' && s.sub.F.seq !== s.F[0].r);
    reach('HF1 check_retry fails', (s) => s.F[0].pc === 'HF1' && s.sub.F.seq !== s.F[0].r);
    reach('sR freed', (s) => s.sub.R.freed);
  });

  it('each part of the protocol is needed: mutations bring the stale mapping back', () => {
    const stale = (sp: any) => {
      const { result, trace } = checkSpec(sp);
      expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-NOSTALE' });
      return labels(trace);
    };
    // F7 without mmu_interval_read_retry.
    stale(mutate(spec('fixed'), 'F.F7', { effect: (d, p) => void (d.F[p.self].pc = 'F8') }));
    // The callback sets the seq but does not zap the device PTE.
    stale(mutate(spec('fixed'), 'Inv.I2b', { effect: (d, p) => {
      d.sub.F.seq = d.Inv[p.self].cur;
      d.Inv[p.self].pc = 'I2c';
    } }));
    // IN2 gives a subscription inserted during an invalidation an old seq, so it does not collide.
    const noCollide = mutate(spec('fixed'), 'F.IN2', { effect: (d, p) => {
      const s = d.sub.F;
      s.seq = d.subs.seq % 2 === 1 ? d.subs.seq - 2 : d.subs.seq - 1;
      if (d.subs.active > 0 && d.subs.seq % 2 === 1) s.deferred = true;
      else s.inTree = true;
      d.F[p.self].pc = 'RD1';
    } });
    expect(stale(noCollide)).toContain('F.IN2');
  });

  it('holds at larger constants too (3 invalidations, timeouts, sF in the tree from the start)', () => {
    const instances: Record<string, string>[] = [{ timeouts: 'true' }, { insert: 'false' }, { invalidations: '3', remove: 'false' }];
    for (const consts of instances) {
      expect(checkSpec(spec('fixed', consts)).result.verdict.kind, JSON.stringify(consts)).toBe('holds');
    }
  });
});
