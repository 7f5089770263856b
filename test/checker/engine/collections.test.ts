import { describe, expect, it } from 'vitest';
import { bfs } from '../../../checker/engine/bfs';
import { CompiledSpec } from '../../../checker/engine/compiled';
import type { StateLog } from '../../../checker/store/stateLog';
import { Bag } from '../../../spec/bag';
import { spec } from '../../../spec/builder';
import { symmetric, t } from '../../../spec/types';
import { ValueSet } from '../../../spec/valueSet';
import { valueKey } from '../../../spec/valueKey';
import { allPerms, classKey } from '../../support/symmetry';

/** A lossy, duplicating network: a bag of message records, and sets of the records sent and delivered. */
const P = symmetric('P', ['A', 'B']);
type Msg = { from: 'A' | 'B'; seq: number };
const network = spec({
  sent: t.set(t.record({ from: t.symValue(P), seq: t.int(0, 1) })),
  net: t.bag(t.record({ from: t.symValue(P), seq: t.int(0, 1) }), 2),
  delivered: t.set(t.record({ from: t.symValue(P), seq: t.int(0, 1) })),
  // A leaf the packed drafts read and write in place (a schema of collections alone keeps the object path).
  closed: t.bool(),
})
  .init(() => ({ sent: new ValueSet<Msg>(), net: new Bag<Msg>(), delivered: new ValueSet<Msg>(), closed: false }))
  .action('Close', {}, { guard: (s) => !s.closed, effect: (d) => void (d.closed = true) })
  .action('Send', { p: ['A', 'B'] }, {
    guard: (s, { p }) => !s.closed && [...s.sent].filter((m) => m.from === p).length < 2,
    effect: (d, { p }) => {
      const m = { from: p as Msg['from'], seq: [...d.sent].filter((x) => x.from === p).length };
      d.sent.add(m);
      d.net.add(m);
    },
  })
  // A retransmission: one successor per message sent (TLA+'s \E m \in sent), a self-loop when it is at its bound.
  .action('Retransmit', {}, {
    effect: (d, _p, ctx) => {
      const m = ctx.choose([...d.sent].filter((x) => d.net.count(x) < 2));
      d.net.add({ seq: m.seq, from: m.from });
    },
  })
  .action('Receive', {}, {
    effect: (d, _p, ctx) => {
      const m = ctx.choose([...d.net]);
      d.net.remove(m);
      d.delivered.add(m);
    },
  })
  .action('Drop', {}, {
    effect: (d, _p, ctx) => void d.net.remove(ctx.choose([...d.net])),
  })
  .invariant('DeliveredWereSent', (s) => [...s.delivered].every((m) => s.sent.has(m)))
  .invariant('NoLostCopies', (s) => s.net.size <= 2 * s.sent.size)
  .checkDeadlock(false)
  .build();

function records(log: StateLog): number[] {
  const out: number[] = [];
  for (let i = 0; i < log.size; i++) out.push(log.parent(i), log.transition(i));
  return out;
}

describe('sets of records and bags on every effect path', () => {
  it.each([false, true])('immer drafts, packed drafts and decoded objects build the identical state graph (symmetry %s)', (symmetry) => {
    const immer = bfs(new CompiledSpec(network, 'immer', { symmetry }));
    const drafts = new CompiledSpec(network, 'fast', { symmetry }, { drafts: true });
    expect(drafts.drafts).toBe(true);
    const runs = [bfs(drafts), bfs(new CompiledSpec(network, 'fast', { symmetry }, { drafts: false }))];
    expect(immer.result.verdict.kind).toBe('holds');
    for (const fast of runs) {
      expect({ ...fast.result.stats, elapsedMs: 0 }).toEqual({ ...immer.result.stats, elapsedMs: 0 });
      expect(fast.result.coverage).toEqual(immer.result.coverage);
      expect(records(fast.explorer.log)).toEqual(records(immer.explorer.log));
    }
  });

  it('with symmetry, stores one state per class of the plain run\'s states (classes by brute force)', () => {
    const cs = new CompiledSpec(network, 'immer');
    const states = new Map<string, unknown>();
    const queue: unknown[] = [];
    const visit = (x: unknown) => {
      const k = valueKey(x);
      if (!states.has(k)) queue.push(states.set(k, x).get(k));
    };
    cs.forEachInit(visit);
    for (let i = 0; i < queue.length; i++) for (const inst of cs.instances) if (cs.enabled(inst, queue[i])) cs.forEachSuccessor(inst, queue[i], visit);
    const plain = bfs(new CompiledSpec(network)).result.stats;
    const sym = bfs(new CompiledSpec(network, 'fast', { symmetry: true })).result.stats;
    expect(plain.distinct).toBe(states.size);
    const perms = allPerms(cs.codec.symDomains);
    const classes = new Set([...states.values()].map((x) => classKey(cs.codec, network.schema, x, perms)));
    expect(sym.distinct).toBe(classes.size);
    expect(sym.distinct).toBeLessThan(plain.distinct);
  });
});
