import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../../checker/check';
import { instantiate } from '../../../../checker/model/instantiate';
import { UsageError } from '../../../../checker/engine/errors';
import { m6Models } from '../../../../models/hmm/m6';
import { m6GupFastPfnmap } from '../../../../models/hmm/m6/gupFastPfnmap';
import { INV } from '../../../../models/hmm/m6/state';
import { ptTable } from '../../../../spec/kernel/pageTable';
import { labels, mutate } from '../support';
import { lockHolders } from '../../../../checker/view/holders';

/** A variant at `backing`, or at its own (its expectation's `at`; anon-thp by default). */
const spec = (variant: string, backing?: string) => instantiate(m6GupFastPfnmap, variant, backing ? { backing } : {}).spec;
const run = (variant: string, backing?: string) => checkSpec(spec(variant, backing));
const ownBacking = (variant: string) => String(m6GupFastPfnmap.variants[variant]!.expect.at?.backing ?? m6GupFastPfnmap.constants.backing.default);

describe('hmm/m6-gup-fast-pfnmap registration', () => {
  it('exports one model with the variant names of hmm-domain.md §3 M6; fixed and the mutants run at anon-thp, the TTM variants at vram', () => {
    expect(m6Models.map((m) => m.name)).toEqual(['hmm/m6-gup-fast-pfnmap']);
    // The variant names themselves are pinned, with every model's, in test/models/hmm/index.test.ts.
    expect(Object.keys(m6GupFastPfnmap.variants).map(ownBacking)).toEqual(['anon-thp', 'vram', 'vram', 'vram', 'vram', 'anon-thp', 'anon-thp', 'anon-thp', 'anon-thp']);
    for (const v of Object.values(m6GupFastPfnmap.variants)) expect(v.ref).toBeTruthy();
  });

  it('rejects a variant at a backing it does not exist at, as a usage error', () => {
    expect(() => spec('mutant-gup-fast-no-recheck', 'vram')).toThrow(UsageError);
    expect(() => spec('mutant-flush-without-irq-wait', 'system')).toThrow(/exists only at backing anon-thp \(got backing=system\)/);
    expect(() => spec('rfc-pgmap-registered-late', 'anon-thp')).toThrow(/exists only at backing vram/);
  });

  it('labels the steps as §1.13 does: G1 (the lock-free PMD read), G2 and G3 (the re-read) are separate steps', () => {
    expect(spec('fixed').actions.map((a) => a.name)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G2', 'G.G3', 'G.G4', 'G.G5', 'G.G6', 'G.G3u', 'E.E1a', 'E.E1', 'E.E1b', 'E.E2a', 'E.E2b', 'E.E3']);
    expect(spec('rfc-pgmap-registered-late').actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(['F.T1', 'F.T2', 'F.T2p', 'G.G1p', 'G.G2d', 'G.G2g', 'Env.P1']),
    );
    for (const a of spec('fixed', 'vram').actions) expect(a.doc, a.name).toBeTruthy();
  });
});

/** Verdict, distinct states and trace length of every variant at every backing it exists at (BFS, one worker). */
const TABLE: readonly [variant: string, backing: string, property: string | null, distinct: number, steps: number][] = [
  ['fixed', 'vram', null, 83, 0],
  ['fixed', 'system', null, 83, 0],
  ['fixed', 'anon-thp', null, 88, 0],
  ['huge-pfn-no-special', 'vram', INV.NO_STRUCT_PAGE, 12, 4],
  ['huge-pfn-no-special', 'system', INV.FOREIGN_REF, 12, 4],
  ['huge-pfn-no-special', 'anon-thp', null, 88, 0],
  ['rfc-devmap-trick', 'vram', null, 58, 0],
  ['rfc-devmap-trick', 'system', null, 58, 0],
  ['rfc-devmap-trick', 'anon-thp', null, 88, 0],
  ['rfc-devmap-no-arch-support', 'vram', INV.NO_STRUCT_PAGE, 16, 5],
  ['rfc-devmap-no-arch-support', 'system', INV.FOREIGN_REF, 16, 5],
  ['rfc-devmap-no-arch-support', 'anon-thp', null, 88, 0],
  ['rfc-pgmap-registered-late', 'vram', INV.FOREIGN_REF, 98, 8],
  ['mutant-gup-fast-no-recheck', 'anon-thp', INV.UAF_MEM, 49, 8],
  ['mutant-flush-without-irq-wait', 'anon-thp', INV.UAF_MEM, 94, 11],
];

/** With `fork=true` (anon-thp only): fork's copy_huge_pmd races GUP-fast's FOLL_PIN. */
const FORK_TABLE: readonly [variant: string, backing: string, property: string | null, distinct: number, steps: number][] = [
  ['fixed', 'anon-thp', null, 386, 0],
  ['fork-gup-fast-no-seqcount', 'anon-thp', INV.PIN_COW, 131, 13],
];
const forkSpec = (variant: string) => instantiate(m6GupFastPfnmap, variant, { fork: 'true' }).spec;

describe('every variant at every backing: verdict, distinct states, shortest trace', () => {
  it.each(TABLE)('%s at backing=%s: %s', (variant, backing, property, distinct, steps) => {
    const { result, trace } = run(variant, backing);
    if (property === null) expect(result.verdict.kind).toBe('holds');
    else expect(result.verdict).toMatchObject({ kind: 'violation', property });
    expect(result.stats.distinct).toBe(distinct);
    expect(trace ? labels(trace).length : 0).toBe(steps);
  });

  it('each variant expects at its default backing what the table says', () => {
    for (const [variant, def] of Object.entries(m6GupFastPfnmap.variants)) {
      const row = [...TABLE, ...FORK_TABLE, ...WALKER_TABLE].find(([v, b]) => v === variant && b === ownBacking(variant))!;
      expect(def.expect, variant).toMatchObject(row[2] === null ? { verdict: 'holds' } : { verdict: 'violation', property: row[2] });
    }
  });
});

describe('the counterexamples', () => {
  it('H13 at vram: GUP-fast takes the huge PFN entry for a THP and dereferences a struct page VRAM does not have', () => {
    const { trace } = run('huge-pfn-no-special', 'vram');
    expect(labels(trace)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G2']);
    expect(trace!.steps.at(-1)!.state.err).toBe('NO_STRUCT_PAGE');
  });

  it('H13 at system: GUP-fast holds a reference on a TTM pool page', () => {
    const last = run('huge-pfn-no-special', 'system').trace!.steps.at(-1)!.state;
    expect(last.G[0].ref).toBe(true);
    expect(last.mem).toMatchObject({ owner: 'ttm', page: { ref: 2 } });
  });

  it('the late dev_pagemap: registered after the fault\u2019s lookup, found by GUP-fast, whose reference lands on that driver\u2019s page', () => {
    const l = labels(run('rfc-pgmap-registered-late').trace);
    expect(l.indexOf('F.T1')).toBeLessThan(l.indexOf('Env.P1'));
    expect(l.slice(-2)).toEqual(['G.G2d', 'G.G2g']);
  });

  it('no re-check: the reference is taken after the zap and the GUP user touches a page the mm no longer maps', () => {
    expect(labels(run('mutant-gup-fast-no-recheck').trace)).toEqual(['F.T2', 'G.G0', 'G.G1', 'E.E1a', 'E.E1', 'G.G2', 'G.G4', 'G.G5']);
  });

  it('a flush that does not wait: munmap frees the PMD table page inside GUP-fast\u2019s IRQ-off walk, and G3 re-reads it', () => {
    const { trace } = run('mutant-flush-without-irq-wait');
    expect(labels(trace)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G2', 'E.E1a', 'E.E1', 'E.E1b', 'E.E2a', 'E.E2b', 'E.E3', 'G.G3']);
    const last = trace!.steps.at(-1)!.state;
    expect(last.err).toBe('UAF_PMD');
    expect(last.cpu.irqs.G).toBe(1);
  });

  it('the trace viewer’s lanes show IRQ-off and the PMD lock as held locks (lockdep held-lock sets)', () => {
    const sp = spec('mutant-flush-without-irq-wait');
    const { trace } = checkSpec(sp);
    const atZap = lockHolders(sp.schema, trace!.steps[6]!.state, sp.threads); // after E.E1 (zap under the pmd lock)
    expect(atZap.G!.map((h) => h.path)).toEqual(['cpu.irqs']);
    expect(atZap.E!.map((h) => h.path)).toEqual(['pmd.ptl']);
    expect(lockHolders(sp.schema, trace!.steps[0]!.state, sp.threads)).toEqual({});
  });
});

describe('fixed at anon-thp exercises the re-check, the IRQ-off window and the IPI ordering', () => {
  it('every step is enabled somewhere (coverage), the re-check fails somewhere, and the flush waits for the IRQ-off walk', () => {
    const { result } = run('fixed', 'anon-thp');
    const never = result.coverage.filter((c) => c.generated === 0).map((c) => c.name);
    expect(never).toEqual([]);
    // Forbidding the undo path shows the re-check failing after a zap inside the IRQ-off window.
    const sp = spec('fixed', 'anon-thp');
    const undo = checkSpec({ ...sp, invariants: [{ name: 'NeverUndo', check: (s: any) => s.G[0].pc !== 'G3u' }] });
    expect(labels(undo.trace)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G2', 'E.E1a', 'E.E1', 'G.G3']);
    // The eviction's flush never completes inside an IRQ-off walk that read the PMD before the zap...
    const pastFlush = (s: any) => s.E[0].pc === 'E3' || s.E[0].pc === 'done';
    const walkSpansFlush = (s: any) => s.cpu.irqs.G > 0 && s.G[0].pmd.kind === 'leaf' && pastFlush(s);
    expect(checkSpec({ ...sp, invariants: [{ name: 'WalkSpansFlush', check: (s: any) => !walkSpansFlush(s) }] }).result.verdict.kind).toBe('holds');
    // ...while the flush does wait for one: E2b is disabled with the IPI pending on c0 and IRQs off there.
    const waits = checkSpec({ ...sp, invariants: [{ name: 'NeverWaits', check: (s: any) => !(s.E[0].pc === 'E2b' && s.cpu.irqs.G > 0 && s.tlb.ipi.E.c0) }] });
    expect(labels(waits.trace)).toEqual(['F.T2', 'G.G0', 'E.E1a', 'E.E1', 'E.E1b', 'E.E2a']);
  });
});

describe('ACT-NO-OVERWRITE (the populating-walker property)', () => {
  it('is declared by every variant; a zap that replaces the huge PMD by a table instead of clearing it violates it', () => {
    for (const [variant, backing] of TABLE.map(([v, b]) => [v, b] as const)) {
      const sp = spec(variant, backing);
      expect(sp.actionProperties.map((p) => p.name)).toEqual([INV.NO_OVERWRITE]);
    }
    const sp = spec('fixed', 'anon-thp');
    const overwrite = mutate({ ...sp, invariants: [] }, 'E.E1', {
      effect: (d: any) => {
        d.pmd.slot[0] = ptTable('T0');
        d.E[0].pc = 'E1b';
      },
    });
    const { result, trace } = checkSpec(overwrite);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: INV.NO_OVERWRITE });
    expect(labels(trace)).toEqual(['F.T2', 'E.E1a', 'E.E1']);
  });
});

describe('fork=true: GUP-fast FOLL_PIN vs fork\u2019s copy_huge_pmd and mm->write_protect_seq (57efa1fe5957)', () => {
  it.each(FORK_TABLE)('%s at backing=%s fork=true: %s', (variant, _backing, property, distinct, steps) => {
    const { result, trace } = checkSpec(forkSpec(variant));
    if (property === null) expect(result.verdict.kind).toBe('holds');
    else expect(result.verdict).toMatchObject({ kind: 'violation', property });
    expect(result.stats.distinct).toBe(distinct);
    expect(trace ? labels(trace).length : 0).toBe(steps);
  });

  it('before 57efa1fe5957: fork finds no pin, GUP-fast pins and re-checks the still-writable PMD, then fork write-protects it and shares the pinned THP', () => {
    const { trace } = checkSpec(forkSpec('fork-gup-fast-no-seqcount'));
    expect(labels(trace)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G2', 'K.K1', 'K.K2', 'K.K3', 'G.G2p', 'G.G3', 'G.G4', 'K.K4', 'K.K5', 'K.K6']);
    const last = trace!.steps.at(-1)!.state;
    expect(last).toMatchObject({ child: 'shared', pincount: 1, mem: { page: { ref: 3, map: 2 } } });
    expect(last.pmd.slot[0]).toMatchObject({ pfn: 'P0', writable: false });
    expect(last.G[0]).toMatchObject({ pc: 'G5', ref: true });
  });

  it('fixed: the write section makes GUP-fast give up at the retry (unpin), or fork sees the pin and copies; both paths run', () => {
    const cov = (name: string) => checkSpec(forkSpec('fixed')).result.coverage.find((c) => c.name === name)!.distinct;
    expect(cov('G.Gru')).toBeGreaterThan(0);
    expect(cov('K.K6')).toBeGreaterThan(0);
    expect(cov('G.G5')).toBeGreaterThan(0);
    expect(forkSpec('fixed').actions.map((a) => a.name)).toEqual(expect.arrayContaining(['G.Gs', 'G.G2p', 'G.Gr', 'G.Gru', 'K.K1', 'K.K8']));
  });

  it('fork=true exists only at anon-thp; the historical variant runs at fork=true by default', () => {
    expect(() => instantiate(m6GupFastPfnmap, 'fixed', { backing: 'vram', fork: 'true' })).toThrow(/fork=true exists only at backing anon-thp/);
    expect(spec('fork-gup-fast-no-seqcount').actions.map((a) => a.name)).toContain('K.K6');
    expect(() => instantiate(m6GupFastPfnmap, 'fork-gup-fast-no-seqcount', { fork: 'false' })).toThrow(/needs fork=true/);
  });
});

/** With `walker=true` (anon-thp only): the populating walker pte_alloc → __pte_alloc → pmd_install races the THP fault. */
const WALKER_TABLE: readonly [variant: string, backing: string, property: string | null, distinct: number, steps: number][] = [
  ['fixed', 'anon-thp', null, 268, 0],
  ['mutant-walker-populates-without-recheck', 'anon-thp', INV.NO_OVERWRITE, 32, 4],
];
const walkerSpec = (variant: string, more: Record<string, string> = {}) => instantiate(m6GupFastPfnmap, variant, { walker: 'true', ...more }).spec;

describe('walker=true: a populating walker deciding from a lock-free PMD read (\u201ctranshuge pages aren\u2019t stable\u201d)', () => {
  it.each(WALKER_TABLE)('%s at backing=%s walker=true: %s', (variant, _backing, property, distinct, steps) => {
    const { result, trace } = checkSpec(walkerSpec(variant));
    if (property === null) expect(result.verdict.kind).toBe('holds');
    else expect(result.verdict).toMatchObject({ kind: 'violation', property, propertyKind: 'action' });
    expect(result.stats.distinct).toBe(distinct);
    expect(trace ? labels(trace).length : 0).toBe(steps);
  });

  it('the mutant expects its violation at walker=true, and the walker exists only at anon-thp', () => {
    expect(m6GupFastPfnmap.variants['mutant-walker-populates-without-recheck']!.expect).toMatchObject({ verdict: 'violation', property: INV.NO_OVERWRITE, at: { walker: true } });
    expect(walkerSpec('fixed').actions.map((a) => a.name)).toEqual(['F.T2', 'G.G0', 'G.G1', 'G.G1p', 'G.G2', 'G.G3', 'G.G4', 'G.G5', 'G.G6', 'G.G3u', 'E.E1a', 'E.E1', 'E.E1b', 'E.E2a', 'E.E2b', 'E.E3', 'W.W1', 'W.W2', 'W.W3']);
    expect(spec('fixed').actions.map((a) => a.name)).not.toContain('W.W1');
    expect(() => walkerSpec('fixed', { backing: 'vram' })).toThrow(/walker=true exists only at backing anon-thp \(got backing=vram\)/);
    expect(() => instantiate(m6GupFastPfnmap, 'mutant-walker-populates-without-recheck', { walker: 'false' })).toThrow(/needs walker=true/);
  });

  it('without the re-check: the walker reads the PMD none, the THP fault installs its huge PMD, the walker populates its table over it', () => {
    const { result, trace } = checkSpec(walkerSpec('mutant-walker-populates-without-recheck'));
    expect(labels(trace)).toEqual(['W.W1', 'F.T2', 'W.W2', 'W.W3']);
    expect(trace!.steps.at(-2)!.state.pmd.slot[0]).toMatchObject({ kind: 'leaf', pfn: 'P0' });
    expect(trace!.steps.at(-1)!.state.pmd.slot[0]).toMatchObject({ kind: 'table', table: 'T0' });
    expect(result.verdict).toMatchObject({ property: INV.NO_OVERWRITE });
  });

  it('fixed: every step runs, and both outcomes of pmd_install\u2019s re-check happen (the walker\u2019s table wins, or the THP does and the spare is freed)', () => {
    const sp = walkerSpec('fixed');
    expect(checkSpec(sp).result.coverage.filter((c) => c.generated === 0).map((c) => c.name)).toEqual([]);
    const walkerWins = checkSpec({ ...sp, invariants: [{ name: 'NoWalkerTable', check: (s: any) => !(s.F[0].pc === 'done' && s.pmd.slot[0].kind === 'table') }] });
    expect(labels(walkerWins.trace)).toEqual(['W.W1', 'W.W2', 'W.W3', 'F.T2']);
    expect(walkerWins.trace!.steps.at(-1)!.state.mem.page.freed).toBe(true); // the THP fault put its unused THP
    const spareFreed = checkSpec({ ...sp, invariants: [{ name: 'NoSpareFreed', check: (s: any) => !(s.W[0].pc === 'done' && s.pmd.slot[0].kind === 'leaf' && s.W[0].pmd.kind === 'none') }] });
    expect(labels(spareFreed.trace)).toEqual(['W.W1', 'F.T2', 'W.W2', 'W.W3']);
    expect(spareFreed.trace!.steps.at(-1)!.state.pte.freed).toBe(true);
  });
});
