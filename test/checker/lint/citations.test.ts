/**
 * Citation coverage (checker/lint/citations.ts): every thread step of the models converted to
 * machine-readable citations cites its source in every variant (M6 at each backing), and the
 * helper reports a step that does not.
 */
import { describe, expect, it } from 'vitest';
import { stepCitations, uncitedSteps, unlinedCitations } from '../../../checker/lint/citations';
import { instantiate } from '../../../checker/model/instantiate';
import { citedFunctions } from '../../../checker/report/fidelity';
import { spec } from '../../../spec/builder';
import { isMailCitation, kernelSource, type SourceCitation } from '../../../spec/citation';
import { defineModel } from '../../../spec/model';
import { t } from '../../../spec/types';
import { MAINLINE_COMMITS, mainline } from '../../../models/hmm/mainlineSources';
import { m3MigrateDevice } from '../../../models/hmm/m3/migrateDevice';
import { m3Migration } from '../../../models/hmm/m3/migration';
import { m5HmmPt } from '../../../models/hmm/m5';
import { m6Models } from '../../../models/hmm/m6';
import { registry } from '../../../models';
import { BACKINGS } from '../../../models/hmm/m6/state';

const toy = defineModel({
  name: 'toy',
  title: 'toy',
  source: 'test',
  constants: {},
  variants: { fixed: { doc: 'x', expect: { verdict: 'holds' } } },
  build: () =>
    spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .thread('P', {
        instances: 2,
        steps: [
          { label: 'a', src: kernelSource('c0ffee')('mm/a.c', 'f', 10, 12), effect: (d) => void (d.x = 1) },
          { label: 'b', src: [kernelSource('c0ffee')('mm/a.c', 'f', 20), kernelSource()('mm/b.c', 'g')] },
          { label: 'c' },
        ],
      })
      .build(),
});

describe('citation coverage', () => {
  it('names the steps without a citation and collects the others', () => {
    expect(uncitedSteps(toy)).toEqual(['P.c']);
    const fns = citedFunctions(stepCitations(toy));
    expect(fns).toEqual([
      { fn: 'f', span: { file: 'mm/a.c', fn: 'f', line: 10, endLine: 20, commit: 'c0ffee' } },
      { fn: 'g', span: { file: 'mm/b.c', fn: 'g' } },
    ]);
  });

  it('names the tree citations without a line (mails and lined ones excluded)', () => {
    const unlined = unlinedCitations(toy);
    expect(new Set(unlined.map((u) => `${u.variant} ${u.step}`))).toEqual(new Set(['fixed P.b']));
    expect(unlined.every((u) => u.citation.file === 'mm/b.c' && u.citation.fn === 'g' && u.citation.line === undefined)).toBe(true);
  });

  it("cites current-mainline lines at the commit each file's copy was read at", () => {
    expect(mainline('mm/memory.c', 'do_swap_page', 4340, 4354)).toEqual({ file: 'mm/memory.c', fn: 'do_swap_page', line: 4340, endLine: 4354, commit: MAINLINE_COMMITS['mm/memory.c'] });
    // hmm/m3-migration cites these files, whose copies were read through, with a line (none by name only)
    const read = new Set<string>(['mm/migrate_device.c', 'mm/memory.c', 'lib/test_hmm.c', 'mm/mmu_notifier.c', 'mm/memremap.c', 'mm/swap_state.c']);
    const unlinedRead = stepCitations(m3Migration).filter((c) => !isMailCitation(c) && read.has(c.file) && c.line === undefined);
    expect(unlinedRead).toEqual([]);
  });

  it.each([m3MigrateDevice, m5HmmPt])('every step of $name cites its source', (model) => {
    expect(uncitedSteps(model)).toEqual([]);
  });

  it('every step of hmm/m6-gup-fast-pfnmap cites its source, at every backing (and with its walker)', () => {
    for (const m of m6Models) {
      for (const variant of Object.keys(m.variants)) {
        for (const consts of [...BACKINGS.map((backing) => ({ backing })), { backing: 'anon-thp', walker: 'true' }]) {
          let actions;
          try {
            actions = instantiate(m, variant, consts).spec.actions;
          } catch {
            continue; // a variant that exists only at another backing
          }
          expect(actions.filter((a) => a.thread && !a.src?.length).map((a) => a.name), `${variant} at ${JSON.stringify(consts)}`).toEqual([]);
        }
      }
    }
  });

  it("M3-mainline's migration steps cite lines at the pinned commit; M5's cite the v2 mail", () => {
    const md = stepCitations(m3MigrateDevice).filter((c) => !isMailCitation(c) && c.file === 'mm/migrate_device.c');
    expect(md.length).toBeGreaterThan(40);
    for (const c of md) expect(c).toMatchObject({ commit: '022a12deda53c983755c08e073a3c028a6850a23', line: expect.any(Number) });
    const m5 = stepCitations(m5HmmPt);
    expect(m5.every(isMailCitation)).toBe(true);
    expect(new Set(m5.map((c) => (isMailCitation(c) ? c.msgid : '')))).toEqual(new Set(['1432236705-4209-7-git-send-email-j.glisse@gmail.com', '1437159145-6548-7-git-send-email-jglisse@redhat.com']));
  });

  it('cites GUP-fast, migration_entry_wait and the mm.h helpers with lines at v6.12.118, and insert_pfn_pmd at v6.1.192, whose copy predates the PMD special bit as the step does: nothing by name only', () => {
    const cites = [m3Migration, m3MigrateDevice, ...m6Models].flatMap(stepCitations).filter((c): c is SourceCitation => !isMailCitation(c));
    expect(cites.filter((c) => c.commit === undefined)).toEqual([]);
    expect(cites.filter((c) => c.fn === 'insert_pfn_pmd')).toContainEqual({ file: 'mm/huge_memory.c', fn: 'insert_pfn_pmd', line: 867, endLine: 901, commit: 'v6.1.192' });
    const stable = cites.filter((c) => c.commit === 'v6.12.118');
    expect(new Set(stable.map((c) => c.file))).toEqual(new Set(['mm/gup.c', 'mm/migrate.c', 'mm/madvise.c', 'include/linux/mm.h']));
    for (const c of stable) expect(c.line, `${c.file} ${c.fn}`).toEqual(expect.any(Number));
  });

  it('every tree citation of every registry model, in every variant, names its line: the viewer links each step to the statement', () => {
    const unlined = registry.flatMap((m) => unlinedCitations(m).map((u) => `${m.name} ${u.variant} ${u.step}: ${u.citation.file} ${u.citation.fn} at ${u.citation.commit}`));
    expect(unlined).toEqual([]);
  });
});
