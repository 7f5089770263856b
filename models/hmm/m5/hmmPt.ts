/**
 * hmm/m5-hmm-pt — M5 (hmm-domain.md §1.12, §2 H12, §3 M5): HMM's own 2015 page table and its
 * lock-free iterator with directory reference counts, from "[PATCH 06/36] HMM: add HMM page table
 * v2." (Glisse, 21 May 2015, <1432236705-4209-7-git-send-email-j.glisse@gmail.com>) and its review
 * by Hairgrove (<alpine.DEB.2.00.1506171724110.32592@mdh-linux64-2.nvidia.com>, 18 Jun 2015).
 *
 * Threads: W, an invalidating walker (`hmm_pt_iter_update`: walk down, clear the pte under the
 * bottom directory's lock and drop its reference, `hmm_pt_iter_fini`); F×populators, populating
 * walkers (`hmm_pt_iter_fault`: walk down, allocate and link the missing directories with the
 * parent entry re-checked under the parent's lock, set the pte and take its reference, fini); and
 * Teardown (`hmm_pt_fini`), enabled once every iterator is done. The initial table maps the
 * address (root → … → bottom directory with a valid pte): W has something to invalidate and F
 * something to race with.
 *
 * Steps follow §1.12's labels, split where a step of §1.12 makes two lock-free accesses (§4's
 * granularity rule; `hmmcheck lint` checks it): §1.12's W3 is W3–W6 (lock; clear the pte, which R1-style
 * readers may see; drop the bottom reference; unlock), its F3–F5 are F3 (alloc), F4 (lock the parent),
 * F5 (re-check, inc_not_zero), F5s (store the entry), F6 (parent reference), F6u (unlock), its F7 is
 * F7–F10, and its U2–U6 are U2–U7 (the synchronize_rcu being two steps).
 *
 * Each mutant removes one guard a comment of the v2 code justifies (quoted in its doc); H12
 * (`v2-fini-directory`) is the posted hmm_pt_fini_directory, fixed in v3 ("Fix
 * hmm_pt_fini_directory()", <1437159145-6548-7-git-send-email-jglisse@redhat.com>).
 *
 * Abstracted away (models/README.md "Abstraction ledger"): one address (every walker uses the same
 * path and pte, so directories have one slot), a fixed pool of directory pages allocated lowest
 * first, kmap/kunmap, the dma mapping behind a pte, and each walker does one operation.
 */
import { spec, type StepDef } from '../../../spec/builder';
import { citeSteps } from '../../../spec/citation';
import { touch } from '../../../spec/kernel/errors';
import { isPtTable, ptAlloc, pageTableInit, pageTableFreeInit, ptFree, ptNone, ptTable } from '../../../spec/kernel/pageTable';
import { rcuInit } from '../../../spec/kernel/rcu';
import { refcountDec, refcountInc, refcountIncNotZero } from '../../../spec/kernel/refcount';
import { andThen } from '../../../spec/kernel/steps';
import { constant, defineModel, type VariantDef } from '../../../spec/model';
import { mutantVariant, selectMutant } from '../mutants';
import { finiSteps, lookupSteps, parentOf, PT, REF, toFini, V2, type Step, type Th } from './iterator';
import { m5Sources } from './sources';
import { INV, iterInit, layout, m5Fields, invariants, pte, ptValid, tableAt, TEARDOWN, validPte, type Dir, type Layout, type M5Consts, type M5State, type TeardownLocals } from './state';

const UAF = { uaf: 'UAF_DIR' } as const;

const MUTANTS = [
  'mutant-unref-clears-unconditionally',
  'mutant-free-without-synchronize-rcu',
  'mutant-walker-plain-inc',
  'mutant-populate-no-recheck',
  'mutant-caller-skips-bottom-ref',
] as const;
type Mutant = (typeof MUTANTS)[number];

const bottomOf = (L: Layout) => (s: M5State, th: { local: { prot: (string | null)[] } }) => tableAt(s, th.local.prot, L.llevel);

/** W: hmm_pt_iter_update, then clear the pte and drop its bottom reference, then fini. */
function wSteps(L: Layout, m: Mutant | null): Step[] {
  const bottom = bottomOf(L);
  return [
    ...lookupSteps(L, { plainInc: m === 'mutant-walker-plain-inc', onFound: 'W3', onAbsent: (th) => toFini(th, L.llevel) }),
    PT.lock('W3', bottom, { ...UAF, doc: 'W3 hmm_pt_iter_directory_lock: spin_lock(&ptd->ptl) of the bottom directory' }),
    {
      label: 'W4',
      doc: 'W4 (§1.12 W3, the caller of hmm_pt_iter_update) if the hmm_pte is valid: clear it — the device mapping is invalidated',
      effect: (d, th) => {
        const dir = bottom(d, th);
        if (!touch(d, dir, 'UAF_DIR') || !ptValid(pte(dir))) return th.goto('W6');
        dir.slot[0] = ptNone();
        th.local.cleared = true;
      },
    },
    {
      label: 'W5',
      doc: 'W5 hmm_pt_iter_directory_unref(iter, pt->llevel): atomic_dec_and_test(&ptd->_mapcount) ⇒ BUG() ("it is illegal for refcount to reach 0 here")',
      effect: (d, th) => {
        refcountDec(d, bottom(d, th), REF);
        th.local.cleared = false;
      },
    },
    andThen(PT.unlock('W6', bottom, { ...UAF, doc: 'W6 hmm_pt_iter_directory_unlock; then hmm_pt_iter_fini' }), (_d, th: Th) => toFini(th, L.llevel)),
  ];
}

/** The lowest free page of the pool (alloc_page); the pool is sized so that one is always free. */
function allocDir(d: M5State, L: Layout): string {
  const name = L.dirs.find((k) => d.dir[k]!.freed);
  if (!name) throw new Error('m5: the directory pool is exhausted (layout() must size it for every populator)');
  return name;
}

/** F: hmm_pt_iter_fault — walk, populate the missing levels, set the pte and take its reference, fini. */
function fSteps(L: Layout, m: Mutant | null): Step[] {
  const bottom = bottomOf(L);
  const populate = (th: Th) => th.goto(th.local.spare !== null ? 'F4' : 'F3');
  return [
    ...lookupSteps(L, { plainInc: m === 'mutant-walker-plain-inc', onFound: 'F7', onAbsent: populate }),
    {
      label: 'F3',
      doc: 'F3 new = alloc_page(GFP_HIGHUSER | __GFP_ZERO), outside any lock; its count is set to 1 here (atomic_set(&new->_mapcount, 1) before linking: the page is still private)',
      atomic: 'a page fresh from the allocator: private to F until F5s links it',
      effect: (d, th) => {
        const name = allocDir(d, L);
        ptAlloc(d.dir[name]!, ptNone);
        th.local.spare = name;
      },
    },
    andThen(PT.lock('F4', parentOf, { ...UAF, doc: 'F4 hmm_pt_directory_lock(pt, upper_ptd, i - 1) (the root: pt->lock)' }), (_d, th: Th) => {
      if (m === 'mutant-populate-no-recheck') th.goto('F5s');
    }),
    {
      label: 'F5',
      doc: 'F5 re-check under the lock: if (*upper_ptdp & valid) and atomic_inc_not_zero(&ptd->_mapcount): "Already allocated by another thread", use it; a dying directory ("Means we raced with removal of dead directory") is overwritten at F5s',
      effect: (d, th) => {
        const parent = parentOf(d, th);
        if (!touch(d, parent, 'UAF_DIR')) return;
        const e = parent.slot[0]!;
        if (isPtTable(e) && refcountIncNotZero(d, d.dir[e.table!]!, REF)) {
          th.local.prot[th.local.lv - 1] = e.table;
          th.goto('F6u');
        }
      },
    },
    {
      label: 'F5s',
      doc:
        m === 'mutant-populate-no-recheck'
          ? 'mutant: F5s *upper_ptdp = hmm_pde_from_pfn(page_to_pfn(new)) without re-checking the entry under the lock'
          : 'F5s *upper_ptdp = hmm_pde_from_pfn(page_to_pfn(new)); iter->ptd[i - 1] = new',
      effect: (d, th) => {
        const parent = parentOf(d, th);
        if (!touch(d, parent, 'UAF_DIR')) return;
        parent.slot[0] = ptTable(th.local.spare!);
        th.local.prot[th.local.lv - 1] = th.local.spare;
        th.local.spare = null;
        // The root has no count ("Nothing to do for root level").
        if (th.local.lv === 1) th.goto('F6u');
        else th.local.linked = true;
      },
    },
    {
      label: 'F6',
      doc: 'F6 hmm_pt_iter_directory_ref(iter, i - 1): the new entry\'s reference on the parent, atomic_inc_not_zero ⇒ BUG() on 0',
      effect: (d, th) => {
        refcountInc(d, parentOf(d, th), REF);
        th.local.linked = false;
      },
    },
    andThen(PT.unlock('F6u', parentOf, { ...UAF, doc: 'F6u hmm_pt_directory_unlock; next level; after the last one: if (new) __free_page(new)' }), (d: M5State, th: Th) => {
      th.local.lv++;
      if (th.local.lv <= L.llevel) return populate(th);
      if (th.local.spare !== null) ptFree(d, d.dir[th.local.spare]!, 'UAF_DIR', () => true);
      th.local.spare = null;
      th.goto('F7');
    }),
    PT.lock('F7', bottom, { ...UAF, doc: 'F7 the caller: hmm_pt_iter_directory_lock (bottom directory)' }),
    {
      label: 'F8',
      doc:
        m === 'mutant-caller-skips-bottom-ref'
          ? 'mutant: F8 the caller sets the hmm_pte valid but takes no reference on the bottom directory'
          : 'F8 the caller sets the hmm_pte valid (if it was not) — "The caller only has to worry about taking references on the bottom level" (Hairgrove)',
      effect: (d, th) => {
        const dir = bottom(d, th);
        if (!touch(d, dir, 'UAF_DIR') || ptValid(pte(dir))) return th.goto('F10');
        dir.slot[0] = validPte();
        if (m === 'mutant-caller-skips-bottom-ref') return th.goto('F10');
        th.local.setPte = true;
      },
    },
    {
      label: 'F9',
      doc: 'F9 hmm_pt_iter_directory_ref(iter, pt->llevel): "HMM user will call this with level = pt.llevel"; atomic_inc_not_zero ⇒ BUG() on 0',
      effect: (d, th) => {
        refcountInc(d, bottom(d, th), REF);
        th.local.setPte = false;
      },
    },
    andThen(PT.unlock('F10', bottom, { ...UAF, doc: 'F10 hmm_pt_iter_directory_unlock; then hmm_pt_iter_fini' }), (_d, th: Th) => toFini(th, L.llevel)),
  ];
}

type TeardownStep = StepDef<M5State, TeardownLocals, string>;

/** hmm_pt_fini (Z1–Z3), after every iterator is done; `v2`: the posted hmm_pt_fini_directory (H12). */
function teardownSteps(L: Layout, v2: boolean): TeardownStep[] {
  const alone = 'hmm_pt_fini runs once every iterator has finished: no other thread can reach the table';
  const free = (d: M5State, name: string) => ptFree(d, d.dir[name]!, 'UAF_DIR', (e) => !isPtTable(e));
  return [
    {
      label: 'Z1',
      doc: 'Z1 hmm_pt_fini: for each root entry: skip it if not valid; else ptd = its directory; pt->pgd[i] = 0',
      atomic: alone,
      guard: (s) => [...s.W, ...s.F].every((th) => th.pc === 'done'),
      effect: (d, th) => {
        if (th.local.zi === 2) return th.goto('done');
        const e = d.root.slot[th.local.zi]!;
        if (!isPtTable(e)) {
          th.local.zi++;
          return th.goto('Z1');
        }
        th.local.zd = e.table;
        d.root.slot[th.local.zi] = ptNone();
        th.goto(L.llevel > 1 ? 'Z2' : 'Z3');
      },
    },
    {
      label: 'Z2',
      doc: v2
        ? 'Z2 hmm_pt_fini_directory(pt, ptd, 1) as posted in v2: for each valid child lptd: ptdp[i] = 0; hmm_pt_fini_directory(pt, lptd, 2) (the bottom: returns); atomic_set(&ptd->_mapcount, -1); __free_page(ptd) — the directory being scanned, not the child'
        : 'Z2 hmm_pt_fini_directory(pt, ptd, 1), fixed in v3: for each valid child lptd: ptdp[i] = 0; hmm_pt_fini_directory(pt, lptd, 2) (the bottom: returns); __free_page(lptd)',
      atomic: alone,
      effect: (d, th) => {
        const zd = d.dir[th.local.zd!]!;
        if (!touch(d, zd, 'UAF_DIR')) return;
        const e = zd.slot[0]!;
        if (!isPtTable(e)) return;
        zd.slot[0] = ptNone();
        free(d, v2 ? th.local.zd! : e.table!);
      },
    },
    {
      label: 'Z3',
      doc: 'Z3 hmm_pt_fini: atomic_set(&ptd->_mapcount, -1); __free_page(ptd) (the level-1 directory); next root entry',
      atomic: alone,
      effect: (d, th) => {
        free(d, th.local.zd!);
        th.local.zd = null;
        th.local.zi++;
        th.goto('Z1');
      },
    },
  ];
}

/** The initial table: root slot 0 → D0 → … → D(llevel−1), whose pte is valid; the other pages free. */
function initialState(L: Layout): Omit<M5State, 'W' | 'F' | 'Teardown'> {
  const path = L.dirs.slice(0, L.llevel);
  const dir: Record<string, Dir> = Object.fromEntries(L.dirs.map((k) => [k, pageTableFreeInit(ptNone, 1) as Dir]));
  path.forEach((k, i) => {
    // One reference per valid entry: the next directory's, or the pte's at the bottom.
    dir[k] = pageTableInit([i + 1 < path.length ? ptTable(path[i + 1]!) : validPte()]);
  });
  return { err: null, rcu: rcuInit(L.iters, { maxDepth: 1 }) as M5State['rcu'], root: pageTableInit([ptTable(path[0]!), ptNone()], 0), dir };
}

function build(cfg: { readonly constants: M5Consts; readonly variant: string }) {
  const L = layout(cfg.constants);
  const m = selectMutant(cfg.variant, MUTANTS);
  const { fields, iterLocals, teardownLocals } = m5Fields(L);
  const fini = finiSteps({ clearsUnconditionally: m === 'mutant-unref-clears-unconditionally', noSynchronize: m === 'mutant-free-without-synchronize-rcu' });
  const prot = () => ({ ...iterInit(), prot: Array.from({ length: L.llevel }, () => null) });
  const src = m5Sources(cfg.variant === 'v2-fini-directory');
  // The steps are written over M5State (state.ts): the schema's inferred type is cast to it once.
  const b = spec(fields)
    .init(() => initialState(L) as never)
    .thread('W', { instances: L.w, locals: iterLocals, initLocals: prot as never, steps: citeSteps([...wSteps(L, m), ...fini], src) as never })
    // The populators are interchangeable: no step or invariant tells them apart (--symmetry).
    .thread('F', { instances: L.f, symmetric: true, locals: iterLocals, initLocals: prot as never, steps: citeSteps([...fSteps(L, m), ...fini], src) as never })
    .thread(TEARDOWN, { instances: [TEARDOWN], locals: teardownLocals, initLocals: () => ({ zi: 0, zd: null }), steps: citeSteps(teardownSteps(L, cfg.variant === 'v2-fini-directory'), src) as never })
    .access({
      // Entries are written under the directory's split lock (the root's: pt->lock) and read
      // lock-free by R1; counts are atomic_t.
      'root.slot': { guardedBy: 'root.ptl', lockfreeReads: true },
      'dir[*].slot': { guardedBy: 'dir[*].ptl', lockfreeReads: true },
      'dir[*].ref': 'atomic',
    });
  for (const [name, check, doc] of invariants(L)) b.invariant(name, check as never, doc);
  return b.build();
}

/** A mutant expected to violate `property` at bound `at` (the smallest that shows it; recorded explicitly). */
const mutant = (property: string, mistake: string, doc: string, at: VariantDef['expect']['at'] = { levels: 2, populators: 1 }): VariantDef => {
  const v = mutantVariant(property, mistake, doc);
  return { ...v, expect: { ...v.expect, at } };
};

export const m5HmmPt = defineModel<M5Consts>({
  name: 'hmm/m5-hmm-pt',
  title: 'M5 (2015): the HMM page table and its lock-free iterator with directory reference counts',
  era: 'HMM v2 series, June 2015 (posted to linux-mm, never merged): "[PATCH 06/36] HMM: add HMM page table v2." and v3\'s fix of hmm_pt_fini_directory',
  source: `"[PATCH 06/36] HMM: add HMM page table v2." ${V2}; review <alpine.DEB.2.00.1506171724110.32592@mdh-linux64-2.nvidia.com>; hmm-domain.md §1.12, §2 H12, §3 M5`,
  constants: {
    levels: constant.int(2, 3, 2, 'page-table levels including the root (pt->llevel + 1): 2 = root → bottom directory, 3 = root → directory → bottom directory'),
    populators: constant.int(1, 2, 1, 'populating walkers F (hmm_pt_iter_fault); 2 exercises F5\'s re-check under the parent lock'),
  },
  variants: {
    fixed: {
      doc: 'the v2 iterator (RCU walk with atomic_inc_not_zero, unlink only if the entry still points at the dying directory, synchronize_rcu before freeing, re-check under the parent lock) with v3\'s hmm_pt_fini_directory',
      ref: `${V2} (mm/hmm_pt.c); v3 "Fix hmm_pt_fini_directory()" <1437159145-6548-7-git-send-email-jglisse@redhat.com>`,
      expect: { verdict: 'holds', at: { levels: 3, populators: 2 } },
    },
    'v2-fini-directory': {
      doc: 'H12: hmm_pt_fini_directory as posted in v2 frees the directory it scans instead of the child: with three levels hmm_pt_fini frees the level-1 directory twice and leaks the bottom one',
      ref: `posted v2 code ${V2}; v3 changelog "Fix hmm_pt_fini_directory()" <1437159145-6548-7-git-send-email-jglisse@redhat.com>`,
      expect: { verdict: 'violation', property: INV.UAF_DIR, at: { levels: 3, populators: 1 } },
    },
    'mutant-unref-clears-unconditionally': mutant(
      INV.REACH,
      'hmm_pt_iter_directory_unref_safe clears the parent entry without checking it',
      'U3 clears the parent entry unconditionally, removing the guard of the v2 comment "There might be race btw decrementing reference count on a directory and another thread trying to fault in a new directory. To avoid erasing the new directory entry we need to check that the entry still correspond to the directory we are removing." — a populator\'s new directory is unlinked and its pte becomes unreachable',
    ),
    'mutant-free-without-synchronize-rcu': mutant(
      INV.UAF_DIR,
      'hmm_pt_iter_fini frees the dead directories without synchronize_rcu',
      'the dead list is freed at once, removing the grace period the v2 comment asks for: "Some iterator may have dereferenced a dead directory entry and looked up the struct page but haven\'t check yet the reference count. As all the above happen in rcu read critical section we know that we need to wait for grace period before being able to free any of the dead directory page." — R2 then increments a freed page',
    ),
    'mutant-walker-plain-inc': mutant(
      INV.REACH,
      'hmm_pt_iter_protect_directory takes its reference with atomic_inc',
      'R2 uses atomic_inc instead of atomic_inc_not_zero, removing the check the v2 comments rely on ("Before traversing a directory a reference is taken"; the iterator "looked up the struct page but haven\'t check yet the reference count"): a walker resurrects a dying, already unlinked directory and maps a pte nobody can find',
    ),
    'mutant-populate-no-recheck': mutant(
      INV.REACH,
      'hmm_pt_iter_fault links its new directory without re-checking the parent entry',
      'F5s overwrites the parent entry without the re-check under the lock that the v2 code justifies with "Already allocated by another thread." — with two populators one new directory is lost with the pte it maps',
      { levels: 2, populators: 2 },
    ),
    'mutant-caller-skips-bottom-ref': mutant(
      INV.COUNT,
      'the caller sets a pte without hmm_pt_iter_directory_ref',
      'F sets the pte without taking the bottom reference, the caller\'s duty ("The caller only has to worry about taking references on the bottom level", Hairgrove, quoted from hmm-domain.md §1.12; v2: "HMM user will call this with level = pt.llevel")',
    ),
  },
  abstractions: [
    {
      what: 'One address: every walker uses root slot 0 and the one slot of each directory below it, and each walker does one operation, then hmm_pt_iter_fini.',
      couldHide:
        "races between walkers of different addresses under a shared directory (a directory kept alive by a sibling entry), hmm_pt_iter_update's fast path that reuses the iterator's protections for the next address, and dead lists holding several directories at one synchronize_rcu.",
    },
    {
      what: 'A fixed pool of directory pages, allocated lowest first; alloc_page never fails.',
      couldHide: "hmm_pt_iter_fault's -ENOMEM exit with a partly populated, still protected path, and reuse orders other than lowest-first (a freed page coming back at another level).",
    },
    {
      what: 'An hmm_pte is valid or not: no dma address, write or dirty bit; kmap/kunmap are not modelled.',
      couldHide: 'lost dirty bits and the kunmap of a directory page already freed (the v2 hmm_pt_fini_directory kunmaps the page it just freed).',
    },
    {
      what: 'Split directory locks (USE_SPLIT_PTE_PTLOCKS); RCU read sections are the walkers\' explicit ones (a spinlock is not also an RCU reader, as in 2015 with preemptible RCU).',
      couldHide: 'nothing the one-lock configuration adds (it serialises more), but a grace period that would wait for a lock holder in later kernels is not assumed.',
    },
    {
      what: 'Freeing a whole dead list (U7) and each teardown step are single steps, justified by no other thread being able to reach those pages.',
      couldHide: 'only what the justification rules out: under a mutant that breaks it, a reader touching a page between two frees shows one step later.',
    },
  ],
  build,
});
