import { describe, expect, it } from 'vitest';
import { CompiledSpec } from '../../../checker/engine/compiled';
import { locateControlFields } from '../../../checker/engine/controlFields';
import { spec } from '../../../spec/builder';
import { DONE } from '../../../spec/spec';
import { t } from '../../../spec/types';

/** What locateControlFields needs of a draft (stand-ins below). */
type Probe = Parameters<typeof locateControlFields>[0];

// Two kinds around other fields, so that pcs share words with them; W's four labels make `done`
// the only code with the field's top bit.
const built = spec({ x: t.int(0, 5), flags: t.map(['a', 'b'], t.bool()) })
  .init(() => ({ x: 0, flags: { a: false, b: true } }))
  .thread('R', { instances: 2, locals: { n: t.int(0, 3) }, steps: ['R0', 'R1', 'R2'].map((label) => ({ label })) })
  .thread('W', { instances: 3, steps: ['W0', 'W1', 'W2', 'W3'].map((label) => ({ label, guard: (s: { x: number }) => s.x < 5 })) })
  .build();

describe('locateControlFields', () => {
  it('finds every thread pc, so that listing from the words gives the candidates the draft gives', () => {
    const cs = new CompiledSpec(built, 'fast');
    expect(cs.controlsFromWords).toBe(true);
    const labels = { R: ['R0', 'R1', 'R2', DONE], W: ['W0', 'W1', 'W2', 'W3', DONE] } as const;
    let s: any;
    cs.forEachInit((init) => (s = init));
    const words = new Uint32Array(cs.codec.words);
    // Every pc of every thread at every label (the others at a fixed mix), and the locals varied.
    for (const kind of ['R', 'W'] as const) {
      for (let self = 0; self < s[kind].length; self++) {
        for (const label of labels[kind]) {
          const state = structuredClone(s);
          state.R.forEach((r: any, i: number) => ((r.pc = labels.R[(i + 1) % 4]), (r.n = i + 1)));
          state.W.forEach((w: any, i: number) => (w.pc = labels.W[(i + 2) % 5]));
          state[kind][self].pc = label;
          state.x = self === 1 ? 5 : 0; // W's guards (x < 5) false in some states
          cs.codec.encode(state, words, 0);
          cs.loadParent(words, 0);
          const fromWords = [...cs.candidates.subarray(0, cs.candidateCount)];
          cs.listCandidates(state);
          const fromDraft = [...cs.candidates.subarray(0, cs.candidateCount)];
          expect(fromWords).toEqual(fromDraft);
          // One step per thread not done, named by its pc.
          const expected = cs.instances.filter((inst) => state[inst.action.thread!.kind][inst.params.self as number].pc === inst.action.thread!.label);
          expect(fromWords).toEqual(expected.map((inst) => inst.id));
          // enabledIn (simulation, lint, graphs): the instances whose whole guard holds, in id order.
          expect(cs.enabledIn(state).map((inst) => inst.id)).toEqual(cs.instances.filter((inst) => cs.enabled(inst, state)).map((inst) => inst.id));
        }
      }
    }
  });

  it('gives no table when a pc is not one contiguous bit field', () => {
    const words = new Uint32Array(2);
    const codes: Record<string, number> = { A: 0, B: 1, done: 2 };
    // A draft whose pc writes spill into two words, then one whose codes leave a hole in the field.
    const spill: Probe = { words, begin: () => {}, end: () => {}, root: { T: [{ set pc(l: string) { words[0] = codes[l]!; words[1] = codes[l]!; } }] } };
    expect(locateControlFields(spill, [['T', 0, 'pc']], [['A', 'B', DONE]], [['A', 'B']], [[Int32Array.of(0), Int32Array.of(1)]], 2)).toBeUndefined();
    const holedCodes: Record<string, number> = { A: 0, B: 1, done: 4 };
    const holed: Probe = { words, begin: () => {}, end: () => {}, root: { T: [{ set pc(l: string) { words[0] = holedCodes[l]!; } }] } };
    expect(locateControlFields(holed, [['T', 0, 'pc']], [['A', 'B', DONE]], [['A', 'B']], [[Int32Array.of(0), Int32Array.of(1)]], 2)).toBeUndefined();
    const plain: Probe = { words, begin: () => {}, end: () => {}, root: { T: [{ set pc(l: string) { words[1] = codes[l]! << 3; } }] } };
    const table = locateControlFields(plain, [['T', 0, 'pc']], [['A', 'B', DONE]], [['A', 'B']], [[Int32Array.of(0), Int32Array.of(1)]], 2)!;
    expect([table.word[0], table.shift[0], table.mask[0]]).toEqual([1, 3, 3]);
    expect(table.idsByCode[0]).toEqual([Int32Array.of(0), Int32Array.of(1), undefined, undefined]);
    expect(table.codeAt[0]).toEqual(Int32Array.of(0, 1, 2)); // A, B, done
    // The same instances as bit sets: instance 0 at code 0, instance 1 at code 1.
    expect([table.setWords, table.sets, table.setAt[0]]).toEqual([1, Uint32Array.of(1, 2), Int32Array.of(0, 1, -1, -1)]);
    // Beyond 64 instances, no sets: the id lists are merged instead.
    expect(locateControlFields(plain, [['T', 0, 'pc']], [['A', 'B', DONE]], [['A', 'B']], [[Int32Array.of(0), Int32Array.of(1)]], 65)!.setWords).toBe(0);
  });

  it('is not made without drafts', () => {
    expect(new CompiledSpec(built, 'fast', {}, { drafts: false }).controlsFromWords).toBe(false);
    expect(new CompiledSpec(built, 'immer').controlsFromWords).toBe(false);
  });
});
