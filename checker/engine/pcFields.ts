/**
 * Where each thread's pc lives in the packed words, so that the explorer lists the step instances
 * a state can enable (CompiledSpec.candidates) with one shift and mask per thread, instead of
 * reading every pc through the parent draft's accessors and scanning its labels (~25 ns a thread,
 * ~5% of an M4-now run). Found by writing every label of every thread through a draft and
 * watching which bits change, so it follows whatever layout the codec chose; anything other than
 * one contiguous field per pc, with one code per label, gives no table, and the caller keeps
 * reading pcs through the draft.
 */
import { DONE } from '../../spec/spec';
import type { PackedDraft } from './packedDraft';

/**
 * Per thread j: its pc's field, the step instances (ids, in id order) at each pc code, and the
 * code of each of its kind's labels by index (the last: done), to write the pc (ActionSpec
 * `thread.step`).
 */
export interface PcTable {
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly mask: Int32Array;
  readonly idsByCode: readonly (readonly (Int32Array | undefined)[])[];
  readonly codeAt: readonly Int32Array[];
}

/**
 * The pc table of threads `threads[j] = [kind, self]`, whose kind's labels are `kindLabels[j]`
 * (ThreadSpec order), with instance ids `ids[j][m]` at `labels[j][m]`; `probe` is a spare draft of
 * the schema (its words are overwritten). Undefined when the pcs are not plain bit fields of the words.
 */
export function locatePcs(
  probe: PackedDraft,
  threads: readonly (readonly [kind: string, self: number])[],
  kindLabels: readonly (readonly string[])[],
  labels: readonly (readonly unknown[])[],
  ids: readonly (readonly Int32Array[])[],
): PcTable | undefined {
  const n = threads.length;
  const table = { word: new Int32Array(n), shift: new Int32Array(n), mask: new Int32Array(n), idsByCode: [] as (Int32Array | undefined)[][], codeAt: [] as Int32Array[] };
  const w = probe.words;
  try {
    for (let j = 0; j < n; j++) {
      const [kind, self] = threads[j]!;
      const all: unknown[] = [...kindLabels[j]!, DONE];
      // The words with the pc at each label, from the same (zero) start.
      const written = all.map((label) => {
        w.fill(0);
        probe.begin(false);
        probe.root[kind][self].pc = label;
        probe.end();
        return w.slice();
      });
      const changed = written.reduce((acc, ws) => acc.map((x, k) => x | (ws[k]! ^ written[0]![k]!)), new Uint32Array(w.length));
      const words = [...changed.keys()].filter((k) => changed[k] !== 0);
      if (words.length !== 1) return undefined;
      const word = words[0]!;
      const bits = changed[word]!;
      const shift = 31 - Math.clz32(bits & -bits);
      const mask = bits >>> shift;
      if ((mask & (mask + 1)) !== 0) return undefined; // not one contiguous field
      const codes = written.map((ws) => (ws[word]! >>> shift) & mask);
      if (new Set(codes).size !== codes.length) return undefined;
      const byCode: (Int32Array | undefined)[] = new Array(mask + 1).fill(undefined);
      for (let m = 0; m < labels[j]!.length; m++) {
        const at = all.indexOf(labels[j]![m]);
        if (at < 0) return undefined;
        byCode[codes[at]!] = ids[j]![m]!;
      }
      table.codeAt.push(Int32Array.from(codes));
      table.word[j] = word;
      table.shift[j] = shift;
      table.mask[j] = mask;
      table.idsByCode.push(byCode);
    }
  } catch {
    return undefined;
  }
  return table;
}
