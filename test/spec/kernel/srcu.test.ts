import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, noError } from '../../../spec/kernel/errors';
import {
  srcuCall,
  srcuCallbackDone,
  srcuCallbackReady,
  srcuInit,
  srcuInReadSection,
  srcuNormalize,
  srcuReadLock,
  srcuReadUnlock,
  srcuSteps,
  srcuSyncEnd,
  srcuSyncReady,
  srcuSyncStart,
  srcuType,
} from '../../../spec/kernel/srcu';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('srcu helpers', () => {
  it('synchronize waits for readers that started before it, not for later ones', () => {
    const d = { err: null as string | null, sp: srcuInit(['R', 'S', 'N']) };
    srcuReadLock(d.sp, 'R');
    srcuSyncStart(d.sp, 'S');
    srcuReadLock(d.sp, 'N'); // starts after the synchronize began
    expect(srcuSyncReady(d.sp, 'S')).toBe(false);
    srcuReadUnlock(d, d.sp, 'R');
    expect(srcuSyncReady(d.sp, 'S')).toBe(true);
    srcuSyncEnd(d.sp, 'S');
    expect(srcuInReadSection(d.sp, 'N')).toBe(true);
    expect(d.err).toBeNull();
  });

  it('read_unlock outside a read section records UNLOCK_NOT_HELD; misuse of the model throws', () => {
    const d = { err: null as string | null, sp: srcuInit(['R']) };
    srcuReadUnlock(d, d.sp, 'R');
    expect(d.err).toBe('UNLOCK_NOT_HELD');
    expect(() => srcuReadLock(d.sp, 'X')).toThrow(/not in the srcu's domain/);
    expect(() => srcuSyncEnd(d.sp, 'R')).toThrow(/step 2 without step 1/);
    srcuReadLock(d.sp, 'R');
    expect(() => srcuReadLock(d.sp, 'R')).toThrow(/nested/);
  });

  it('normalisation renumbers live values densely and keeps their order', () => {
    const sp = { epoch: 9, reader: { A: 5, B: null, C: 7 }, target: { A: null, B: 7, C: null }, pending: { cb: 8 } };
    srcuNormalize(sp);
    expect(sp).toEqual({ epoch: 3, reader: { A: 0, B: null, C: 1 }, target: { A: null, B: 1, C: null }, pending: { cb: 2 } });
    const plain = { epoch: 4, reader: { A: 2 }, target: { A: null } };
    srcuNormalize(plain);
    expect(plain).toEqual({ epoch: 1, reader: { A: 0 }, target: { A: null } });
    expect(srcuType(['A']).fields).not.toHaveProperty('pending');
    expect(() => srcuCall(srcuInit(['A']), 'cb')).toThrow(/has no callbacks/);
    // A finished grace period leaves nothing behind: the epoch returns to 0.
    const d = { err: null as string | null, sp: srcuInit(['S']) };
    for (let i = 0; i < 5; i++) {
      srcuSyncStart(d.sp, 'S');
      srcuSyncEnd(d.sp, 'S');
    }
    expect(d.sp.epoch).toBe(0);
  });

  it('call_srcu callbacks become ready after the older readers leave', () => {
    const sp = srcuInit(['R'], ['free']);
    const d = { err: null as string | null };
    srcuReadLock(sp, 'R');
    srcuCall(sp, 'free');
    expect(srcuCallbackReady(sp, 'free')).toBe(false);
    expect(() => srcuCallbackDone(sp, 'free')).toThrow(/ran early/);
    srcuReadUnlock(d, sp, 'R');
    expect(srcuCallbackReady(sp, 'free')).toBe(true);
    srcuCallbackDone(sp, 'free');
    expect(sp.pending.free).toBeNull();
  });
});

// R: a read section. S: synchronize_srcu, then returns. `old` is a ghost: R was inside when S began.
const ids = ['R', 'S'] as const;
const fields = { err: errType(), sp: srcuType(ids), old: t.bool() };
type S = Infer<RecordType<typeof fields>>;
const U = srcuSteps<S>();

function readerVsSync(brokenWait = false) {
  const [s1, s2] = U.synchronize('S1', 'S2', (s) => s.sp);
  return spec(fields)
    .init(() => ({ err: null, sp: srcuInit(ids), old: false }))
    .thread('R', {
      instances: ['R'],
      steps: [
        U.readLock('R1', (s) => s.sp),
        { label: 'R2' }, // inside the read section
        { label: 'R3', effect: (d, th) => { srcuReadUnlock(d, d.sp, th.id); d.old = false; } },
      ],
    })
    .thread('S', {
      instances: ['S'],
      steps: [
        { ...s1, effect: (d, th) => { d.old = srcuInReadSection(d.sp, 'R'); s1.effect!(d, th); } },
        brokenWait ? { label: 'S2', effect: (d) => void (d.sp.target.S = null) } : s2,
      ],
    })
    .invariant('SyncWaitsForOlderReaders', (s) => !(s.S[0]!.pc === 'done' && s.old))
    .invariant('INV-NOERR', noError)
    .build();
}

describe('srcu in a spec', () => {
  it('synchronize_srcu never returns while a reader that started before it is inside: 14 states', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(readerVsSync(), { strategy });
      expect(result.verdict.kind).toBe('holds');
      // S not started: R at any of 4 pcs (4). S waiting: R inside from before (R2, R3) or R at
      // R1 / inside since / done (4) = 6. S returned: R at any of 4 pcs, epochs renumbered (4).
      expect(result.stats.distinct).toBe(14);
    }
  });

  it('without the wait the property fails: R enters, S starts and returns', () => {
    const { result, trace } = checkSpec(readerVsSync(true));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'SyncWaitsForOlderReaders' });
    expect(labels(trace)).toEqual(['R.R1', 'S.S1', 'S.S2']);
  });

  it('a reader that starts after synchronize began does not block it', () => {
    const sp = readerVsSync();
    const { result, trace } = checkSpec({
      ...sp,
      invariants: [{ name: 'NeverReturnsWithReaderInside', check: (s: S & { S: { pc: string }[] }) => !(s.S[0]!.pc === 'done' && s.sp.reader.R !== null) }],
    });
    expect(result.verdict.kind).toBe('violation');
    expect(labels(trace)).toEqual(['S.S1', 'R.R1', 'S.S2']);
  });

  it('epochs stay bounded when readers and synchronizers loop for ever: 5 states', () => {
    const [s1, s2] = U.synchronize('S1', 'S2', (s) => s.sp);
    const looping = spec(fields)
      .init(() => ({ err: null, sp: srcuInit(ids), old: false }))
      .thread('R', { instances: ['R'], steps: [U.readLock('R1', (s) => s.sp), { ...U.readUnlock('R2', (s) => s.sp), effect: (d, th) => { srcuReadUnlock(d, d.sp, th.id); th.goto('R1'); } }] })
      .thread('S', { instances: ['S'], steps: [s1, { ...s2, effect: (d, th) => { s2.effect!(d, th); th.goto('S1'); } }] })
      .invariant('INV-NOERR', noError)
      .build();
    const { result } = checkSpec(looping);
    expect(result.verdict.kind).toBe('holds');
    // S idle: R out or in (2). S waiting: R out, R in from before, R in since (3).
    expect(result.stats.distinct).toBe(5);
  });

  it('a call_srcu free runs only after the readers that could see the object', () => {
    const cbFields = { err: errType(), sp: srcuType(['R', 'F'], ['free']), old: t.bool(), freed: t.bool() };
    type C = Infer<RecordType<typeof cbFields>>;
    const V = srcuSteps<C>();
    const sp = spec(cbFields)
      .init(() => ({ err: null, sp: srcuInit(['R', 'F'], ['free']), old: false, freed: false }))
      .action('RunCallback', {}, { guard: (s) => srcuCallbackReady(s.sp, 'free'), effect: (d) => { srcuCallbackDone(d.sp, 'free'); d.freed = true; } })
      .thread('R', { instances: ['R'], steps: [V.readLock('R1', (s) => s.sp), { label: 'R2', effect: (d, th) => { srcuReadUnlock(d, d.sp, th.id); d.old = false; } }] })
      .thread('F', { instances: ['F'], steps: [{ label: 'F1', effect: (d) => { d.old = srcuInReadSection(d.sp, 'R'); srcuCall(d.sp, 'free'); } }] })
      .invariant('NoFreeUnderOldReader', (s) => !(s.freed && s.old))
      .checkDeadlock(false)
      .build();
    const { result } = checkSpec(sp);
    expect(result.verdict.kind).toBe('holds');
    // The callback is not blocked by a reader that arrives after call_srcu.
    const later = checkSpec({ ...sp, invariants: [{ name: 'NotReadyWithReader', check: (s: C) => !(srcuCallbackReady(s.sp, 'free') && s.sp.reader.R !== null) }] });
    expect(later.result.verdict.kind).toBe('violation');
    expect(labels(later.trace)).toEqual(['F.F1', 'R.R1']);
    // …while a reader that was inside at call_srcu time does block it.
    const before = checkSpec({ ...sp, invariants: [{ name: 'NotReadyWithOldReader', check: (s: C) => !(srcuCallbackReady(s.sp, 'free') && s.old) }] });
    expect(before.result.verdict.kind).toBe('holds');
  });
});
