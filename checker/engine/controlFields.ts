/**
 * Where each control field (a thread's pc, a plain action's `at` field: ActionSpec `control`) lives
 * in the packed words, so that the explorer lists the instances a state can enable
 * (CompiledSpec.candidates) with one shift and mask per field, instead of reading every field
 * through the parent draft's accessors and scanning its values (~25 ns a field, ~5% of an M4-now
 * run). Found by writing every value of every field through a draft and watching which bits
 * change, so it follows whatever layout the codec chose; anything other than one contiguous bit
 * field per control field, with one code per value, gives no table, and the caller keeps reading
 * the fields through the draft.
 */
import type { Key } from '../../spec/types';
import type { PackedDraft } from './packedDraft';

/**
 * Per control field j: its bits, the instances (ids, in id order) at each code, and the code of
 * each of its values by index in `domains[j]` (for a thread's pc: its kind's labels, then done,
 * so that draftRun writes the pc a thread step's `effect.step` names).
 */
export interface ControlTable {
  readonly word: Int32Array;
  readonly shift: Int32Array;
  readonly mask: Int32Array;
  readonly idsByCode: readonly (readonly (Int32Array | undefined)[])[];
  readonly codeAt: readonly Int32Array[];
  /**
   * With at most MAX_SET_WORDS × 32 instances, the same instances as bit sets of `setWords` words
   * (bit i%32 of word i/32 for instance i), so that the candidates of a state are an OR per field,
   * read out in id order: the instances at code m of field j are `sets[setAt[j][m] ..]`, none where
   * setAt is -1. With more instances setWords is 0 and the id lists are merged instead: the sets
   * would take more words than the lists have ids (M4-now: 106 instances, 6 fields).
   */
  readonly setWords: number;
  readonly sets: Uint32Array;
  readonly setAt: readonly Int32Array[];
}

const MAX_SET_WORDS = 2;

/** The bit sets of ControlTable for `instances` instance ids, from its idsByCode. */
function instanceSets(idsByCode: readonly (readonly (Int32Array | undefined)[])[], instances: number): Pick<ControlTable, 'setWords' | 'sets' | 'setAt'> {
  const setWords = Math.ceil(instances / 32);
  if (setWords > MAX_SET_WORDS) return { setWords: 0, sets: new Uint32Array(0), setAt: [] };
  const all: number[] = [];
  const setAt = idsByCode.map((byCode) =>
    Int32Array.from(byCode, (ids) => {
      if (ids === undefined) return -1;
      const at = all.length;
      for (let k = 0; k < setWords; k++) all.push(0);
      for (const id of ids) all[at + (id >>> 5)]! |= 1 << (id & 31);
      return at;
    }),
  );
  return { setWords, sets: Uint32Array.from(all), setAt };
}

/**
 * The table of control fields at `paths[j]`, each able to hold the values `domains[j]`, with
 * instance ids `ids[j][m]` (below `instances`) at `values[j][m]`; `probe` is a spare draft of the
 * schema (its words are overwritten). Undefined when a field is not a plain bit field of the words.
 */
export function locateControlFields(
  probe: Pick<PackedDraft, 'words' | 'root' | 'begin' | 'end'>,
  paths: readonly (readonly Key[])[],
  domains: readonly (readonly Key[] | undefined)[],
  values: readonly (readonly Key[])[],
  ids: readonly (readonly Int32Array[])[],
  instances: number,
): ControlTable | undefined {
  const n = paths.length;
  const table = { word: new Int32Array(n), shift: new Int32Array(n), mask: new Int32Array(n), idsByCode: [] as (Int32Array | undefined)[][], codeAt: [] as Int32Array[] };
  const w = probe.words;
  try {
    for (let j = 0; j < n; j++) {
      const path = paths[j]!;
      const domain = domains[j];
      if (domain === undefined || path.length === 0) return undefined;
      // The words with the field at each value, from the same (zero) start.
      const written = domain.map((value) => {
        w.fill(0);
        probe.begin(false);
        let o = probe.root;
        for (let k = 0; k < path.length - 1; k++) o = o[path[k]!];
        o[path[path.length - 1]!] = value;
        probe.end();
        return w.slice();
      });
      const changed = written.reduce((acc, ws) => acc.map((x, k) => x | (ws[k]! ^ written[0]![k]!)), new Uint32Array(w.length));
      const words = [...changed.keys()].filter((k) => changed[k] !== 0);
      // A field of one value has no bits: code 0 (shift and mask 0) in every state.
      if (words.length !== (domain.length === 1 ? 0 : 1)) return undefined;
      const word = words[0] ?? 0;
      const bits = changed[word] ?? 0;
      const shift = bits === 0 ? 0 : 31 - Math.clz32(bits & -bits);
      const mask = bits >>> shift;
      if ((mask & (mask + 1)) !== 0) return undefined; // not one contiguous field
      const codes = written.map((ws) => (ws[word]! >>> shift) & mask);
      if (new Set(codes).size !== codes.length) return undefined;
      const byCode: (Int32Array | undefined)[] = new Array(mask + 1).fill(undefined);
      for (let m = 0; m < values[j]!.length; m++) {
        const at = domain.indexOf(values[j]![m]!);
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
  return { ...table, ...instanceSets(table.idsByCode, instances) };
}
