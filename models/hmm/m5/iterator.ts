/**
 * The iterator steps W and F share (hmm-domain.md §1.12): the lock-free walk down the directory
 * tree (R1, R2: `hmm_pt_iter_update`'s loop and `hmm_pt_iter_protect_directory`) and
 * `hmm_pt_iter_fini` (U1–U7: unprotect from the bottom level up, unlink and dead-list a directory
 * whose count reached 0, drop its parent reference, then synchronize_rcu and free the dead list).
 *
 * Source: "[PATCH 06/36] HMM: add HMM page table v2." (Glisse, 21 May 2015,
 * <1432236705-4209-7-git-send-email-j.glisse@gmail.com>), mm/hmm_pt.c, as quoted in Hairgrove's
 * review <alpine.DEB.2.00.1506171724110.32592@mdh-linux64-2.nvidia.com> (18 Jun 2015); the parts the
 * review elides (`hmm_pt_iter_update`, `hmm_pt_iter_protect_directory`, `hmm_pt_iter_fault`,
 * `hmm_pt_fini_directory`) follow the same file as posted in "[PATCH 4/6] HMM: add HMM page table."
 * (Jan 2015, quoted in <20150119162403.GA3731@gmail.com>), which has the same 425-line mm/hmm_pt.c.
 */
import type { StepDef, ThreadCtx } from '../../../spec/builder';
import { touch } from '../../../spec/kernel/errors';
import { isPtTable, pageTableSteps, ptFree, ptNone, isPtNone } from '../../../spec/kernel/pageTable';
import { rcuDereference, rcuReadLock, rcuReadUnlock, rcuSteps } from '../../../spec/kernel/rcu';
import { andThen } from '../../../spec/kernel/steps';
import { atomicInc, refcountDec, refcountDecAndTest, refcountIncNotZero } from '../../../spec/kernel/refcount';
import { tableAt, type IterLocals, type Layout, type M5State } from './state';

export type Th = ThreadCtx<IterLocals, string>;
export type Step = StepDef<M5State, IterLocals, string>;

/** Every access to a directory's count first touches the page (use after free: UAF_DIR). */
export const REF = { field: 'ref', uaf: 'UAF_DIR' } as const;
export const PT = pageTableSteps<M5State, IterLocals>();
const U = rcuSteps<M5State>();
const UAF = { uaf: 'UAF_DIR' } as const;

export const V2 = '<1432236705-4209-7-git-send-email-j.glisse@gmail.com>';

/** The table one level above the thread's current level `lv` (its parent: the root at lv = 1). */
export const parentOf = (s: M5State, th: { local: IterLocals }): ReturnType<typeof tableAt> => tableAt(s, th.local.prot, th.local.lv - 1);

/**
 * Enters hmm_pt_iter_fini: continue at U1 with the deepest protected level, or, with nothing
 * protected and nothing dead, return ("Avoid useless synchronize_rcu() if there is no directory
 * to free").
 */
export function toFini(th: Th, from: number): void {
  let lv = from;
  while (lv >= 1 && th.local.prot[lv - 1] === null) lv--;
  th.local.lv = lv;
  if (lv >= 1) th.goto('U1');
  else th.goto(th.local.dead.size > 0 ? 'U6a' : 'done');
}

export interface WalkOpts {
  /** mutant-walker-plain-inc: R2 takes its reference with atomic_inc, not atomic_inc_not_zero. */
  readonly plainInc: boolean;
  /** Where the walk goes with every level protected / when a level is absent or dying. */
  readonly onFound: string;
  readonly onAbsent: (th: Th) => void;
}

/** R1, R2: the lock-free walk, one level per R1/R2 pair (two steps: never one, §4). */
export function lookupSteps(L: Layout, o: WalkOpts): Step[] {
  return [
    {
      label: 'R1',
      doc: `R1 hmm_pt_iter_update (${V2}): rcu_read_lock(); pte = ACCESS_ONCE(ptdp[hmm_pt_index(pt, addr, i)]) — the parent entry, read lock-free; not valid ⇒ rcu_read_unlock(), return NULL`,
      effect: (d, th) => {
        rcuReadLock(d.rcu, th.id);
        rcuDereference(d, d.rcu, th.id);
        const parent = parentOf(d, th);
        if (!touch(d, parent, 'UAF_DIR')) return;
        const e = parent.slot[0]!;
        if (isPtTable(e)) {
          th.local.e = e.table;
          return;
        }
        rcuReadUnlock(d, d.rcu, th.id);
        o.onAbsent(th);
      },
    },
    {
      label: 'R2',
      doc: o.plainInc
        ? 'mutant: R2 hmm_pt_iter_protect_directory with atomic_inc(&ptd->_mapcount) instead of atomic_inc_not_zero (a dying directory is resurrected); rcu_read_unlock()'
        : 'R2 hmm_pt_iter_protect_directory: if (!atomic_inc_not_zero(&ptd->_mapcount)) → rcu_read_unlock(), return 0 (treated as absent); else rcu_read_unlock(), iter->ptd[level - 1] = ptd; next level',
      effect: (d, th) => {
        const child = th.local.e!;
        th.local.e = null;
        const dir = d.dir[child]!;
        const took = o.plainInc ? touch(d, dir, 'UAF_DIR') && (atomicInc(d, dir, REF), true) : refcountIncNotZero(d, dir, REF);
        rcuReadUnlock(d, d.rcu, th.id);
        if (!took) return o.onAbsent(th);
        th.local.prot[th.local.lv - 1] = child;
        th.local.lv++;
        th.goto(th.local.lv > L.llevel ? o.onFound : 'R1');
      },
    },
  ];
}

export interface FiniOpts {
  /** mutant-unref-clears-unconditionally: U3 clears the parent entry without checking it. */
  readonly clearsUnconditionally: boolean;
  /** mutant-free-without-synchronize-rcu: U7 frees the dead list without a grace period. */
  readonly noSynchronize: boolean;
}

/** The next deeper-to-shallower level of the fini loop, or its end. */
function nextLevel(th: Th): void {
  toFini(th, th.local.lv - 1);
}

/** U1–U7: hmm_pt_iter_fini with hmm_pt_iter_unprotect_directory / hmm_pt_iter_directory_unref_safe. */
export function finiSteps(o: FiniOpts): Step[] {
  const [sync1, sync2] = U.synchronize('U6a', 'U6b', (s) => s.rcu);
  return [
    {
      label: 'U1',
      doc: 'U1 hmm_pt_iter_directory_unref_safe: if (!atomic_dec_and_test(&iter->ptd[level - 1]->_mapcount)) return (next level up)',
      effect: (d, th) => {
        const name = th.local.prot[th.local.lv - 1]!;
        th.local.prot[th.local.lv - 1] = null;
        if (refcountDecAndTest(d, d.dir[name]!, REF)) {
          th.local.dying = name;
          th.goto('U2');
        } else nextLevel(th);
      },
    },
    PT.lock('U2', parentOf, { ...UAF, doc: 'U2 count reached 0: hmm_pt_directory_lock(pt, upper_ptd, level - 1) (the root: pt->lock)' }),
    {
      label: 'U3',
      doc: o.clearsUnconditionally
        ? 'mutant: U3 *upper_ptdp = 0 without checking that the entry still points at the dying directory'
        : 'U3 "To avoid erasing the new directory entry we need to check that the entry still correspond to the directory we are removing": if (hmm_pde_pfn(*upper_ptdp) == page_to_pfn(ptd)) *upper_ptdp = 0',
      effect: (d, th) => {
        const parent = parentOf(d, th);
        if (!touch(d, parent, 'UAF_DIR')) return;
        if (o.clearsUnconditionally || isPtTable(parent.slot[0]!, th.local.dying!)) parent.slot[0] = ptNone();
      },
    },
    andThen(
      PT.unlock('U4', parentOf, { ...UAF, doc: 'U4 hmm_pt_directory_unlock; list_add_tail(&ptd->lru, &iter->dead_directories) (thread-local)' }),
      (_d, th: Th) => {
        th.local.dead.add(th.local.dying!);
        // The root has no count: "Nothing to do for root level".
        if (th.local.lv === 1) {
          th.local.dying = null;
          nextLevel(th);
        }
      },
    ),
    {
      label: 'U5',
      doc: 'U5 hmm_pt_iter_directory_unref(iter, level - 1): drop the dead directory\'s reference on its parent ("IS safe to unref as we have an extra ref", Hairgrove): BUG() if it reaches 0',
      effect: (d, th) => {
        refcountDec(d, parentOf(d, th), REF);
        th.local.dying = null;
        nextLevel(th);
      },
    },
    ...(o.noSynchronize
      ? []
      : [
          { ...sync1, doc: 'U6a "we need to wait for grace period before being able to free any of the dead directory page": synchronize_rcu() (1): start a grace period' },
          { ...sync2, doc: 'U6b synchronize_rcu() (2): every reader that may have dereferenced a dead directory has left' },
        ]),
    {
      label: o.noSynchronize ? 'U6a' : 'U7',
      doc: o.noSynchronize
        ? 'mutant: U6 frees the dead directories without synchronize_rcu()'
        : 'U7 list_for_each_entry_safe(ptd, tmp, &iter->dead_directories, lru): atomic_set(&ptd->_mapcount, -1); __free_page(ptd) (pages no walker can reach any more: one step)',
      atomic: 'frees pages no longer reachable from the table, after the grace period: no other thread can access them',
      effect: (d, th) => {
        for (const name of th.local.dead) ptFree(d, d.dir[name]!, 'UAF_DIR', isPtNone);
        th.local.dead.clear();
        th.goto('done');
      },
    },
  ];
}
