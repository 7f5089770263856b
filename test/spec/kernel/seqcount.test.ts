import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, forbid } from '../../../spec/kernel/errors';
import { heldLocks } from '../../../spec/kernel/lockdep';
import { mutexInit, mutexSteps, mutexType } from '../../../spec/kernel/mutex';
import {
  seqcountInit,
  seqcountReadBegin,
  seqcountReadRetry,
  seqcountTryReadBegin,
  seqcountSteps,
  seqcountType,
  seqcountWriteBegin,
  seqcountWriteEnd,
} from '../../../spec/kernel/seqcount';
import { t, type Infer, type RecordType } from '../../../spec/types';

const IDS = ['R', 'W'] as const;
// The writer updates the pair (x, y) from (0, 0) to (1, 1) in two steps; the reader copies it.
const fields = {
  err: errType(),
  seq: seqcountType(IDS),
  wlock: mutexType(IDS),
  x: t.int(0, 1),
  y: t.int(0, 1),
  seen: t.optional(t.tuple(t.int(0, 1), t.int(0, 1))),
};
type S = Infer<RecordType<typeof fields>>;
const Q = seqcountSteps<S>();
const M = mutexSteps<S>();

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

function model(opts: { skipRetry?: boolean; endTwice?: boolean } = {}) {
  return spec(fields)
    .init(() => ({ err: null, seq: seqcountInit(IDS), wlock: mutexInit(), x: 0, y: 0, seen: null }))
    .thread('R', {
      instances: ['R'],
      locals: { a: t.int(0, 1), b: t.int(0, 1) },
      initLocals: () => ({ a: 0, b: 0 }),
      steps: [
        Q.readBegin('R1', (s) => s.seq),
        { label: 'R2', effect: (d, th) => void (th.local.a = d.x) },
        { label: 'R3', effect: (d, th) => void (th.local.b = d.y) },
        opts.skipRetry
          ? { label: 'R4', effect: (d) => void (d.seq.reader.R = null) }
          : Q.readRetry('R4', (s) => s.seq, { retry: 'R1' }),
        { label: 'R5', effect: (d, th) => void (d.seen = [th.local.a, th.local.b]) },
      ],
    })
    .thread('W', {
      instances: ['W'],
      steps: [
        M.lock('W0', (s) => s.wlock),
        Q.writeBegin('W1', (s) => s.seq),
        { label: 'W2', effect: (d) => void (d.x = 1) },
        { label: 'W3', effect: (d) => void (d.y = 1) },
        ...(opts.endTwice ? [Q.writeEnd('W4', (s) => s.seq), M.unlock('W5', (s) => s.wlock), Q.writeEnd('W6', (s) => s.seq)] : [Q.writeEnd('W4', (s) => s.seq), M.unlock('W5', (s) => s.wlock)]),
      ],
    })
    .invariant('Consistent', (s) => s.seen === null || s.seen[0] === s.seen[1], 'the reader never keeps a torn pair')
    .invariant('INV-LOCKSTATE', forbid('UNLOCK_NOT_HELD'))
    .build();
}

describe('seqcount', () => {
  it('snapshots go stale when a write begins; retry closes the section', () => {
    const sc = seqcountInit(IDS);
    seqcountReadBegin(sc, 'R');
    expect(sc.reader.R).toBe('valid');
    seqcountWriteBegin(sc, 'W');
    expect(sc.reader.R).toBe('stale');
    expect(() => seqcountReadBegin(sc, 'R')).toThrow('read_seqcount_begin by R while W writes: guard the step with seqcountCanRead');
    expect(seqcountReadRetry(sc, 'R')).toBe(true);
    expect(sc.reader.R).toBeNull();
    expect(() => seqcountReadRetry(sc, 'R')).toThrow('read_seqcount_retry by R without read_seqcount_begin');
    expect(() => seqcountWriteBegin(sc, 'R')).toThrow('write_seqcount_begin by R while W writes: serialise writers with a lock');
  });

  it('a reader that retries never keeps a torn pair', () => {
    const { result } = checkSpec(model());
    expect(result.verdict.kind).toBe('holds');
  });

  it('a reader that skips read_seqcount_retry keeps a torn pair', () => {
    const { result, trace } = checkSpec(model({ skipRetry: true }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'Consistent' });
    // The reader reads x after the writer set it and y before: (1, 0).
    expect(labels(trace)).toEqual(['R.R1', 'W.W0', 'W.W1', 'W.W2', 'R.R2', 'R.R3', 'R.R4', 'R.R5']);
    expect(trace!.steps.at(-1)!.state.seen).toEqual([1, 0]);
  });

  it('write_seqcount_end outside a write section records UNLOCK_NOT_HELD', () => {
    const d = { err: null as string | null, sc: seqcountInit(IDS) };
    seqcountWriteEnd(d, d.sc, 'W');
    expect(d.err).toBe('UNLOCK_NOT_HELD');
    const { result } = checkSpec(model({ endTwice: true }));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'INV-LOCKSTATE' });
  });

  it('lockdep sees the writer and the readers', () => {
    const sp = model();
    const s = { err: null, seq: { writer: 'W', reader: { R: 'stale', W: null } }, wlock: { owner: 'W' }, x: 0, y: 0, seen: null };
    const held = heldLocks(sp.schema, s);
    expect(held.get('W')).toEqual([
      { lock: 'seq', cls: 'seqcount', mode: 'write', depth: 1 },
      { lock: 'wlock', cls: 'mutex', mode: 'exclusive', depth: 1 },
    ]);
    expect(held.get('R')).toEqual([{ lock: 'seq', cls: 'seqcount', mode: 'read', depth: 1 }]);
  });
});

describe('seqcountTryReadBegin (raw_read_seqcount, odd → give up)', () => {
  it('opens a section when even, gives up without one when odd; a write then makes the open section stale', () => {
    const sc = seqcountInit(IDS);
    seqcountWriteBegin(sc, 'W');
    expect(seqcountTryReadBegin(sc, 'R')).toBe(false);
    expect(sc.reader.R).toBeNull();
    seqcountWriteEnd({ err: null }, sc, 'W');
    expect(seqcountTryReadBegin(sc, 'R')).toBe(true);
    seqcountWriteBegin(sc, 'W');
    expect(seqcountReadRetry(sc, 'R')).toBe(true);
  });

  it('as a step: an odd sequence goes to onOdd', () => {
    const Q2 = seqcountSteps<{ err: string | null; seq: ReturnType<typeof seqcountInit<'R' | 'W'>> }>();
    const step = Q2.tryReadBegin('R0', (s) => s.seq, { onOdd: 'GIVEUP' });
    const d = { err: null, seq: seqcountInit(IDS) };
    d.seq.writer = 'W';
    let went: string | null = null;
    step.effect!(d, { id: 'R', local: {}, goto: (l: string) => void (went = l) } as never);
    expect(went).toBe('GIVEUP');
    expect(d.seq.reader.R).toBeNull();
  });
});
