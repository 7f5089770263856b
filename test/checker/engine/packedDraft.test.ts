/**
 * Packed drafts (checker/engine/packedDraft.ts) against the immer reference on effects written to
 * catch an emulation that is not exact: aliasing after whole-record assignment, Sets, maps over
 * numbers, invalid intermediate values, array resizing, choices after a bail-out, and errors.
 * Each action either stays on the draft or leaves it for the object path, as listed.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../../checker/engine/bfs';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { compilePackedDraft } from '../../../checker/engine/packedDraft';
import { compileCodec } from '../../../checker/state/codec';
import { spec } from '../../../spec/builder';
import { t } from '../../../spec/types';
import type { Spec } from '../../../spec/spec';

const Rec = t.record({ x: t.int(0, 3), on: t.bool() });

/** `wide` adds a field that takes the state past 16 words (where whole-state copies take another path). */
function tricky(wide = false): Spec {
  const Pad = t.array(t.int(0, 1_000_000), wide ? 30 : 1);
  return spec({
    a: Rec,
    b: Rec,
    s: t.set(['p', 'q', 'r']),
    m: t.map([1, 2, 3], t.enum('lo', 'hi')),
    o: t.optional(t.int(0, 3)),
    arr: t.array(t.int(0, 3), 2),
    n: t.int(0, 3),
    pad: Pad,
  })
    .init(() => ({ a: { x: 0, on: false }, b: { x: 1, on: true }, s: new Set<'p' | 'q' | 'r'>(['q']), m: { 1: 'lo', 2: 'lo', 3: 'hi' }, o: null, arr: [0, 1], n: 0, pad: Array.from({ length: Pad.length }, (_, i) => 999_000 + i) }))
    .checkDeadlock(false)
    // Aliasing: a is b's object afterwards, so the write through b shows in a too.
    .action('Alias', {}, {
      guard: (s) => s.n < 3,
      effect: (d) => {
        d.a = d.b;
        d.b.x = (d.b.x + 1) % 4;
        d.n += 1;
      },
    })
    // A fresh record, then the old draft object written after it was replaced (no effect on the state).
    .action('Replace', {}, {
      guard: (s) => s.a.x !== s.b.x,
      effect: (d) => {
        const old = d.b;
        d.b = { x: d.a.x, on: !old.on };
        old.x = 3;
        d.a.on = old.x === 3;
      },
    })
    // Set operations in place, an iteration order that depends on insertion order.
    .action('SetOps', {}, {
      guard: (s) => !s.s.has('r') || s.s.size < 3,
      effect: (d, _p, ctx) => {
        const e = ctx.choose(['p', 'r'] as const);
        d.s.add(e);
        d.s.delete('q');
        d.n = [...d.s][0] === 'r' ? 3 : d.n;
      },
    })
    // A map over numbers, and an optional leaf set and cleared.
    .action('Map', {}, {
      guard: (s) => s.m[1] === 'lo' || s.o === null,
      effect: (d) => {
        d.m[1] = d.m[3];
        d.m[3] = d.m[2];
        d.o = d.o === null ? d.n : null;
        d.pad[d.pad.length - 1] = d.n;
      },
    })
    // Out of range for a moment (the encoder only sees the final value): bails, then the object path.
    .action('Intermediate', {}, {
      guard: (s) => s.n > 0,
      effect: (d) => {
        d.n = 99;
        d.n = 0;
      },
    })
    // An array of leaves written in place, and one replaced whole.
    .action('Arrays', {}, {
      guard: (s) => s.arr[0] !== s.arr[1],
      effect: (d, _p, ctx) => {
        if (ctx.choose([true, false])) d.arr[0] = d.arr[1];
        else d.arr = [d.arr[1], d.arr[0]];
      },
    })
    .invariant('Small', (s) => s.a.x + s.b.x <= 6)
    .build();
}

describe('packed drafts', () => {
  it.each([
    ['', false],
    [', on a state of more than 16 words', true],
  ])('build the same graph as immer on effects that alias, replace, use Sets and maps over numbers%s', (_, wide) => {
    const sp = tricky(wide);
    const drafts = new CompiledSpec(sp, 'fast');
    expect(drafts.drafts).toBe(true);
    expect(drafts.codec.words > 16).toBe(wide);
    const a = bfs(drafts);
    const b = bfs(new CompiledSpec(sp, 'immer'));
    expect(a.result.verdict).toEqual(b.result.verdict);
    expect({ ...a.result.stats, elapsedMs: 0 }).toEqual({ ...b.result.stats, elapsedMs: 0 });
    expect(a.result.coverage).toEqual(b.result.coverage);
    const log = (l: typeof a.explorer.log) => Array.from({ length: l.size }, (_, i) => [l.parent(i), l.transition(i)]);
    expect(log(a.explorer.log)).toEqual(log(b.explorer.log));
    // Only the effect with an out-of-range intermediate value left the drafts.
    expect(drafts.objectPathActions).toEqual(['Intermediate']);
    expect(a.result.stats.distinct).toBeGreaterThan(100);
  });

  it('re-run a step on the object path from the successor it bailed at (choices after a bail-out)', () => {
    const sp = spec({ n: t.int(0, 3), k: t.int(0, 3) })
      .init(() => ({ n: 0, k: 0 }))
      .checkDeadlock(false)
      .action('Pick', {}, {
        guard: (s) => s.n < 3,
        effect: (d, _p, ctx) => {
          const v = ctx.choose([0, 1, 2]);
          // The second choice bails (7 is out of range for a moment); the first was already delivered.
          if (v === 1) d.k = 7;
          d.k = v;
          d.n += 1;
        },
      })
      .build();
    const drafts = new CompiledSpec(sp, 'fast');
    const a = bfs(drafts);
    const b = bfs(new CompiledSpec(sp, 'immer'));
    expect({ ...a.result.stats, elapsedMs: 0 }).toEqual({ ...b.result.stats, elapsedMs: 0 });
    expect(a.result.stats.generated).toBe(b.result.stats.generated);
    expect(drafts.objectPathActions).toEqual(['Pick']);
  });

  it('report a model error exactly as the object path does', () => {
    const sp = spec({ n: t.int(0, 3) })
      .init(() => ({ n: 0 }))
      .action('Up', {}, { effect: (d) => void (d.n += 1) })
      .build();
    const a = bfs(new CompiledSpec(sp, 'fast'));
    const b = bfs(new CompiledSpec(sp, 'immer'));
    expect(a.result.verdict).toEqual({ kind: 'error', message: 'Up: state.n = 4 is not int 0..3', at: { last: 3 } });
    expect(a.result.verdict).toEqual(b.result.verdict);
  });

  it('share generated code between schemas of one layout, each with its own enum values', () => {
    // The factories are kept by code and constants (packedDraft.ts, codec.ts): a schema that lays
    // out alike but names its values differently must still read and write its own names.
    const walk = (names: readonly [string, string, string]) =>
      spec({ pc: t.enum(...names), n: t.int(0, 2) })
        .init(() => ({ pc: names[0], n: 0 }))
        .action('Step', {}, {
          guard: (s) => s.pc !== names[2],
          effect: (d) => {
            d.pc = d.pc === names[0] ? names[1] : names[2];
            d.n += 1;
          },
        })
        .invariant('Named', (s) => names.includes(s.pc))
        .checkDeadlock(false)
        .build();
    for (const names of [['a', 'b', 'c'], ['x', 'y', 'z'], ['a', 'b', 'c']] as const) {
      const cs = new CompiledSpec(walk(names), 'fast');
      const { result } = bfs(cs);
      expect(cs.drafts).toBe(true);
      // Three states, each named from its own schema (Named), the last one not enabled.
      expect([result.verdict.kind, result.stats.distinct, result.stats.generated]).toEqual(['holds', 3, 3]);
    }
  });

  it('are not made for a schema kind they do not know (the object path is used)', () => {
    const type = t.record({ n: t.int(0, 1) });
    const words = compileCodec(type).words;
    expect(compilePackedDraft(type, words)).toBeDefined();
    expect(compilePackedDraft({ kind: 'record', fields: { n: { kind: 'unknown-kind' } } } as never, words)).toBeUndefined();
  });
});
