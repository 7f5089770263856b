import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import { errType, noError } from '../../../spec/kernel/errors';
import {
  rwsemCanRead,
  rwsemCanWrite,
  rwsemDownRead,
  rwsemDownWriteStep,
  rwsemHeldForRead,
  rwsemInit,
  rwsemReadDepth,
  rwsemSteps,
  rwsemTryDownRead,
  rwsemTryDownWrite,
  rwsemType,
  rwsemUpRead,
  rwsemUpWrite,
} from '../../../spec/kernel/rwsem';
import { t, type Infer, type RecordType } from '../../../spec/types';

const labels = (trace: { steps: readonly { label: string }[] } | undefined) => trace!.steps.slice(1).map((s) => s.label);

describe('rwsem helpers', () => {
  it('readers share, a writer excludes everyone', () => {
    const d = { err: null as string | null, r: rwsemInit<string>() };
    rwsemDownRead(d.r, 'R1');
    expect(rwsemTryDownRead(d.r, 'R2')).toBe(true);
    expect(rwsemCanWrite(d.r)).toBe(false);
    expect(rwsemTryDownWrite(d.r, 'W')).toBe(false);
    expect(d.r.waiting.size).toBe(0); // trylock never registers as waiting
    rwsemUpRead(d, d.r, 'R1');
    rwsemUpRead(d, d.r, 'R2');
    expect(rwsemTryDownWrite(d.r, 'W')).toBe(true);
    expect(rwsemCanRead(d.r)).toBe(false);
    rwsemUpWrite(d, d.r, 'W');
    expect(d.err).toBeNull();
    expect(d.r).toEqual(rwsemInit());
  });

  it('writer preference: a waiting writer blocks new readers until it has acquired and released', () => {
    const d = { err: null as string | null, r: rwsemInit<string>() };
    rwsemDownRead(d.r, 'R1');
    expect(rwsemDownWriteStep(d.r, 'W')).toBe(false);
    expect(d.r.waiting.has('W')).toBe(true);
    expect(rwsemCanRead(d.r)).toBe(false);
    expect(rwsemTryDownRead(d.r, 'R2')).toBe(false);
    expect(() => rwsemDownRead(d.r, 'R2')).toThrow(/guard the step/);
    rwsemUpRead(d, d.r, 'R1');
    expect(rwsemDownWriteStep(d.r, 'W')).toBe(true);
    expect(d.r.waiting.size).toBe(0);
    expect(rwsemCanRead(d.r)).toBe(false);
    rwsemUpWrite(d, d.r, 'W');
    expect(rwsemCanRead(d.r)).toBe(true);
  });

  it('up_read / up_write by a non-holder record UNLOCK_NOT_HELD', () => {
    const d = { err: null as string | null, r: rwsemInit<string>() };
    rwsemUpRead(d, d.r, 'R1');
    expect(d.err).toBe('UNLOCK_NOT_HELD');
    const e = { err: null as string | null, r: { ...rwsemInit<string>(), writer: 'W' } };
    rwsemUpWrite(e, e.r, 'X');
    expect(e.err).toBe('UNLOCK_NOT_HELD');
    expect(e.r.writer).toBe('W');
  });
});

// R1 starts holding the lock for read; W takes it for write; R2 takes it for read.
const ids = ['R1', 'W', 'R2'] as const;
const fields = { err: errType(), rw: rwsemType(ids) };
type S = Infer<RecordType<typeof fields>>;
const R = rwsemSteps<S>();

function threeThreads(naiveReader = false) {
  return spec(fields)
    .init(() => ({ err: null, rw: { ...rwsemInit<(typeof ids)[number]>(), readers: new Set(['R1' as const]) } }))
    .thread('R1', { instances: ['R1'], steps: [R.upRead('U1', (s) => s.rw)] })
    .thread('W', { instances: ['W'], steps: [R.downWrite('W1', (s) => s.rw), R.upWrite('W2', (s) => s.rw)] })
    .thread('R2', {
      instances: ['R2'],
      steps: [
        naiveReader
          ? { label: 'D2', guard: (s) => s.rw.writer === null, effect: (d) => void d.rw.readers.add('R2') }
          : R.downRead('D2', (s) => s.rw),
        R.upRead('U2', (s) => s.rw),
      ],
    })
    .invariant('Exclusion', (s) => s.rw.writer === null || s.rw.readers.size === 0)
    .invariant('INV-NOERR', noError)
    .actionProperty('NoReaderPassesAWaitingWriter', (s, t2) => !(s.rw.waiting.size > 0 && !s.rw.readers.has('R2') && t2.rw.readers.has('R2')))
    .build();
}

describe('rwsem in a spec', () => {
  it('exclusion and writer preference hold, no deadlock; 17 states with both strategies', () => {
    for (const strategy of ['bfs', 'dfs'] as const) {
      const { result } = checkSpec(threeThreads(), { strategy });
      expect(result.verdict.kind).toBe('holds');
      // R1 ∈ {U1, done}, R2 ∈ {D2, U2, done}. W not yet tried: any of the 2×3 pairs (6). W waiting
      // (registered while someone read): again all 6 pairs. W holding: R1 done, R2 not inside (2).
      // W done: R1 done, R2 anywhere (3). 6 + 6 + 2 + 3 = 17.
      expect(result.stats.distinct).toBe(17);
    }
  });

  it('a reader that ignores waiting writers breaks the preference property', () => {
    const { result, trace } = checkSpec(threeThreads(true));
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'NoReaderPassesAWaitingWriter' });
    // W finds R1 reading and registers as waiting; the naive reader walks past it.
    expect(labels(trace)).toEqual(['W.W1', 'R2.D2']);
  });

  it('the wait is visible: a blocked down_write registers, then acquires at the same label', () => {
    const sp = { ...threeThreads(), invariants: [{ name: 'WriterNeverWaits', check: (s: S) => s.rw.waiting.size === 0 }] };
    const { result, trace } = checkSpec(sp);
    expect(result.verdict).toMatchObject({ kind: 'violation', property: 'WriterNeverWaits' });
    expect(labels(trace)).toEqual(['W.W1']);
    expect(trace!.steps[1]!.state.W[0].pc).toBe('W1');

    // From the waiting state the same label acquires once R1 has released.
    const acquiredAfterWait = {
      ...threeThreads(),
      actionProperties: [{ name: 'NeverAcquiredAfterWaiting', check: (a: S, b: S) => !(a.rw.waiting.has('W') && b.rw.writer === 'W') }],
    };
    const out = checkSpec(acquiredAfterWait);
    expect(out.result.verdict).toMatchObject({ kind: 'violation', property: 'NeverAcquiredAfterWaiting' });
    expect(labels(out.trace)).toEqual(['W.W1', 'R1.U1', 'W.W1']);
    expect(out.trace!.steps.at(-1)!.state.rw.waiting.size).toBe(0);
  });

  it('a reader blocked behind a waiting writer deadlocks if the read holder waits for that reader', () => {
    // R1 holds the lock and would only release after R2 got in: the writer's preference makes this a deadlock.
    const sp = spec({ ...fields, r2in: t.bool() })
      .init(() => ({ err: null, r2in: false, rw: { ...rwsemInit<(typeof ids)[number]>(), readers: new Set(['R1' as const]) } }))
      .thread('R1', { instances: ['R1'], steps: [{ label: 'Wt', guard: (s) => s.r2in }, R.upRead('U1', (s) => s.rw)] })
      .thread('W', { instances: ['W'], steps: [R.downWrite('W1', (s) => s.rw), R.upWrite('W2', (s) => s.rw)] })
      .thread('R2', { instances: ['R2'], steps: [R.downRead('D2', (s) => s.rw), { label: 'In', effect: (d) => void (d.r2in = true) }, R.upRead('U2', (s) => s.rw)] })
      .build();
    const { result, trace } = checkSpec(sp);
    expect(result.verdict.kind).toBe('deadlock');
    expect(labels(trace)).toEqual(['W.W1']);
  });
});

describe('rwsem recursive read acquisition (rwsem_down_read_slowpath)', () => {
  const rIds = ['A', 'W'] as const;
  type Id = (typeof rIds)[number];
  const rFields = { err: errType(), rw: rwsemType(rIds, { readDepth: 2 }) };
  type RS = Infer<RecordType<typeof rFields>>;
  const RR = rwsemSteps<RS>();
  // A takes the lock for read twice (nested), then releases both; W takes it for write once.
  const nested = (withWriter: boolean) => {
    const b = spec(rFields)
      .init(() => ({ err: null, rw: rwsemInit(rIds) }))
      .thread('A', {
        instances: ['A'],
        steps: [RR.downRead('A1', (s) => s.rw), RR.downRead('A2', (s) => s.rw), RR.upRead('A3', (s) => s.rw), RR.upRead('A4', (s) => s.rw)],
      })
      .invariant('INV-NOERR', noError);
    return withWriter
      ? b.thread('W', { instances: ['W'], steps: [RR.downWrite('W1', (s) => s.rw), RR.upWrite('W2', (s) => s.rw)] }).build()
      : b.build();
  };

  it('is allowed: a second down_read by the same reader nests, and needs two up_reads', () => {
    const d = { err: null as string | null, r: rwsemInit(rIds) };
    rwsemDownRead(d.r, 'A');
    rwsemDownRead(d.r, 'A');
    expect(rwsemReadDepth(d.r, 'A')).toBe(2);
    rwsemUpRead(d, d.r, 'A');
    expect(rwsemHeldForRead(d.r, 'A')).toBe(true);
    rwsemUpRead(d, d.r, 'A');
    expect(rwsemHeldForRead(d.r, 'A')).toBe(false);
    expect(d.r).toEqual(rwsemInit(rIds));
    rwsemUpRead(d, d.r, 'A');
    expect(d.err).toBe('UNLOCK_NOT_HELD');
  });

  it('without a declared read depth it is a modelling error naming the declaration to add', () => {
    const r = rwsemInit<Id>();
    rwsemDownRead(r, 'A');
    expect(() => rwsemDownRead(r, 'A')).toThrow('down_read by A: a recursive read acquisition needs rwsemType(ids, { readDepth: 2 }) and rwsemInit(ids)');
  });

  it('alone, the nested reader finishes: 5 states, no deadlock', () => {
    const { result } = checkSpec(nested(false));
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(5);
  });

  it('deadlocks when a writer queues between the two down_reads (the writer waits for A, A waits behind the writer)', () => {
    const { result, trace } = checkSpec(nested(true));
    expect(result.verdict.kind).toBe('deadlock');
    expect(labels(trace)).toEqual(['A.A1', 'W.W1']);
    const last = trace!.steps.at(-1)!.state as RS & { A: { pc: string }[]; W: { pc: string }[] };
    expect([last.A[0]!.pc, last.W[0]!.pc]).toEqual(['A2', 'W1']);
    expect(last.rw.waiting.has('W')).toBe(true);
  });
});
