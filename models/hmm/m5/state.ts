/**
 * The state of hmm/m5-hmm-pt (hmm-domain.md §1.12, §3 M5): HMM's 2015 page table as page-table
 * pages of the kernel primitive library (spec/kernel/pageTable.ts: a refcount, a `freed` flag and a
 * split lock per directory page), the RCU domain of the iterators, the iterator locals, and the five
 * invariants of §1.12 over them.
 *
 * One address: every iterator walks root slot 0 and slot 0 of each directory below it, so the
 * directories of a path have one slot each; the root has two slots (teardown's loop skips the empty
 * one). Level 0 is the root (`pt->pgd`, locked by `pt->lock`, no refcount); levels 1..llevel are
 * directory pages from a pool, the bottom one (llevel = levels − 1) holding the hmm_pte.
 */
import { errType, forbid, noError, type ErrState } from '../../../spec/kernel/errors';
import { isPtLeaf, isPtNone, isPtTable, pageTableType, ptEntryType, type PageTable, type PtEntry } from '../../../spec/kernel/pageTable';
import { rcuType, type Rcu } from '../../../spec/kernel/rcu';
import { threadIds } from '../../../spec/builder';
import { t } from '../../../spec/types';

// The error parts of INV-BUG and INV-NOLEAK, made once (a predicate runs on every state).
const noRefBug = forbid('REF_HIT_ZERO', 'REF_GET_ZERO', 'REF_UNDERFLOW');
const noLeakError = forbid('PT_LEAK');

/** Invariant names of hmm-domain.md §1.12 / §3 M5. */
export const INV = {
  /** No access to, and no second free of, a freed directory. */
  UAF_DIR: 'INV-UAF-DIR',
  /** ref/unref never trips its BUG; a directory's count never reaches 0 while it holds a valid entry. */
  BUG: 'INV-BUG',
  /** Before teardown, every valid pte lives in a live directory reachable from the root. */
  REACH: 'INV-REACH',
  /** Before teardown, a live directory's count = its valid entries + the iterators protecting it (+ refs in flight). */
  COUNT: 'INV-COUNT',
  /** No directory lost: none freed with entries, and none left live after teardown. */
  NOLEAK: 'INV-NOLEAK',
  /** The catch-all `err = none`. */
  NOERR: 'INV-NOERR',
} as const;

/** The model's constants. */
export type M5Consts = { levels: number; populators: number };

/** The one pfn an hmm_pte maps (its dma address; only valid or not matters). */
const PFN = 'P';

/** Sizes and names that follow from the constants. */
export interface Layout {
  readonly levels: number;
  /** pt->llevel: the bottom level (levels − 1). */
  readonly llevel: number;
  /** Directory pages of the pool: the initial path, plus one new path per populator. */
  readonly dirs: readonly string[];
  readonly w: readonly string[];
  readonly f: readonly string[];
  /** Iterator threads (RCU readers and synchronizers). */
  readonly iters: readonly string[];
  /** Every thread (split-lock owners). */
  readonly ids: readonly string[];
  /** Largest directory count: one entry + every iterator's protection + a reference in flight. */
  readonly maxRef: number;
}

export const TEARDOWN = 'Teardown';

export function layout(c: M5Consts): Layout {
  const llevel = c.levels - 1;
  const dirs = Array.from({ length: llevel * (1 + c.populators) }, (_, i) => `D${i}`);
  const w = threadIds('W', 1);
  const f = threadIds('F', c.populators);
  return { levels: c.levels, llevel, dirs, w, f, iters: [...w, ...f], ids: [...w, ...f, TEARDOWN], maxRef: 3 + c.populators };
}

/** A directory page (or the root, whose `ref` stays 0: "Nothing to do for root level"). */
export type Dir = PageTable<PtEntry>;

/** The locals of an iterator (struct hmm_pt_iter plus the walk's own variables). */
export interface IterLocals {
  /** The level being walked, populated or finalised (1..llevel; 0 / llevel+1 past the ends). */
  lv: number;
  /** iter->ptd[]: the directory protected at each level 1..llevel (index level − 1). */
  prot: (string | null)[];
  /** R1's snapshot of the parent entry (a directory not yet protected). */
  e: string | null;
  /** hmm_pt_iter_fault's preallocated page `new`, not yet linked. */
  spare: string | null;
  /** The directory whose count reached 0 at U1, until its parent reference is dropped. */
  dying: string | null;
  /** iter->dead_directories. */
  dead: Set<string>;
  /** W cleared the pte; the bottom reference is not dropped yet. */
  cleared: boolean;
  /** F set the pte; the bottom reference is not taken yet. */
  setPte: boolean;
  /** F linked a new directory; the parent reference is not taken yet. */
  linked: boolean;
}

export interface TeardownLocals {
  /** hmm_pt_fini's root index. */
  zi: number;
  /** The level-1 directory being freed. */
  zd: string | null;
}

export interface M5State extends ErrState {
  rcu: Rcu;
  root: Dir;
  dir: Record<string, Dir>;
  W: (IterLocals & { pc: string })[];
  F: (IterLocals & { pc: string })[];
  Teardown: (TeardownLocals & { pc: string })[];
}

/** Schema fields (threads apart) and the iterator / teardown locals. */
export function m5Fields(L: Layout) {
  const entry = ptEntryType(L.dirs, [PFN]);
  const dirOpt = t.optional(t.enum(...L.dirs));
  return {
    fields: {
      err: errType('UAF_DIR'),
      rcu: rcuType(L.iters, { maxDepth: 1 }),
      /** pt->pgd and pt->lock: two slots, no refcount. */
      root: pageTableType(L.ids, entry, 2, { maxRef: 0 }),
      /** The pool of directory pages (free ones have `freed` set). */
      dir: t.map(L.dirs, pageTableType(L.ids, entry, 1, { maxRef: L.maxRef })),
    },
    iterLocals: {
      lv: t.int(0, L.llevel + 1),
      prot: t.array(dirOpt, L.llevel),
      e: dirOpt,
      spare: dirOpt,
      dying: dirOpt,
      dead: t.set(L.dirs),
      cleared: t.bool(),
      setPte: t.bool(),
      linked: t.bool(),
    },
    teardownLocals: { zi: t.int(0, 2), zd: dirOpt },
  };
}

export function iterInit(): IterLocals {
  return { lv: 1, prot: [], e: null, spare: null, dying: null, dead: new Set(), cleared: false, setPte: false, linked: false };
}

/** The pte every iterator works on: slot 0 of the bottom directory. */
export const pte = (dir: Dir): PtEntry => dir.slot[0]!;
export const ptValid = (e: PtEntry): boolean => isPtLeaf(e);
export const validPte = (): PtEntry => ({ kind: 'leaf', table: null, pfn: PFN, writable: false, special: false, devmap: false });

/** The table at level `level` on the thread's protected path (0: the root). */
export function tableAt(s: M5State, prot: readonly (string | null)[], level: number): Dir {
  if (level === 0) return s.root;
  const name = prot[level - 1];
  if (!name) throw new Error(`m5: no directory protected at level ${level}`);
  return s.dir[name]!;
}

const iterators = (s: M5State) => [...s.W, ...s.F];

/** Directories reachable from the root through live directories. */
function reachable(s: M5State): Set<string> {
  const seen = new Set<string>();
  const walk = (tbl: Dir) => {
    for (const e of tbl.slot) {
      if (!isPtTable(e) || seen.has(e.table!) || s.dir[e.table!]!.freed) continue;
      seen.add(e.table!);
      walk(s.dir[e.table!]!);
    }
  };
  walk(s.root);
  return seen;
}

/**
 * The count a live directory must have: its valid entries, the iterators protecting it (or holding
 * it as their spare page), and the references in flight: a pte W cleared but has not unreferenced
 * (+1), a pte or a child F linked but has not referenced yet (−1), the parent reference of a dying
 * child whose entry no longer points at it (+1, until U5 drops it).
 */
export function expectedCount(s: M5State, L: Layout, name: string): number {
  const d = s.dir[name]!;
  let n = d.slot.filter((e) => !isPtNone(e)).length;
  for (const th of iterators(s)) {
    n += th.prot.filter((p) => p === name).length + (th.spare === name ? 1 : 0);
    const bottom = th.prot[L.llevel - 1];
    if (bottom === name) n += (th.cleared ? 1 : 0) - (th.setPte ? 1 : 0);
    const parent = th.lv >= 2 ? th.prot[th.lv - 2] : null;
    if (parent !== name) continue;
    if (th.linked) n -= 1;
    if (th.dying !== null && !isPtTable(d.slot[0]!, th.dying)) n += 1;
  }
  return n;
}

/** The invariants of §1.12, in the order BFS reports them. */
export function invariants(L: Layout) {
  const live = (s: M5State) => L.dirs.filter((k) => !s.dir[k]!.freed);
  const teardownStarted = (s: M5State) => s.Teardown[0]!.pc !== 'Z1' || s.Teardown[0]!.zi > 0;
  return [
    [INV.UAF_DIR, forbid('UAF_DIR'), 'a freed directory is never accessed nor freed again (H12, the grace period)'],
    [
      INV.BUG,
      (s: M5State) => noRefBug(s) && live(s).every((k) => s.dir[k]!.ref > 0 || s.dir[k]!.slot.every(isPtNone)),
      "hmm_pt_iter_directory_ref/unref never BUG(); a directory's count never reaches 0 while it has a valid entry",
    ],
    [
      INV.REACH,
      (s: M5State) => {
        if (teardownStarted(s)) return true;
        const r = reachable(s);
        return live(s).every((k) => !s.dir[k]!.slot.some(ptValid) || r.has(k));
      },
      'before teardown, every valid pte lives in a live directory reachable from the root (else no invalidation finds it)',
    ],
    [
      INV.COUNT,
      // hmm_pt_fini frees without counting (it atomic_set()s each count to -1).
      (s: M5State) => teardownStarted(s) || live(s).every((k) => s.dir[k]!.ref === expectedCount(s, L, k)),
      "before teardown, a live directory's count = its valid entries + the iterators protecting it (+ references in flight)",
    ],
    [
      INV.NOLEAK,
      (s: M5State) => noLeakError(s) && (s.Teardown[0]!.pc !== 'done' || live(s).length === 0),
      'no directory freed while it still has entries, and none left after hmm_pt_fini',
    ],
    [INV.NOERR, noError, 'no error at all (lock state, RCU)'],
  ] as const;
}
