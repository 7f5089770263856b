import { describe, expect, it } from 'vitest';
import { citationLabel, citationText, citeAt, cited, citeSteps, joinCited, kernelSource, lineRanges, mailSource, stepDocFields } from '../../spec/citation';

const C = '022a12deda53c983755c08e073a3c028a6850a23';
const at = kernelSource(C);

describe('citations', () => {
  it('kernelSource pins the commit once and keeps line ranges', () => {
    expect(at('mm/migrate_device.c', 'migrate_vma_collect_pmd', 261, 262)).toEqual({ file: 'mm/migrate_device.c', fn: 'migrate_vma_collect_pmd', line: 261, endLine: 262, commit: C });
    expect(at('mm/migrate_device.c', 'f', 7, 7)).toEqual({ file: 'mm/migrate_device.c', fn: 'f', line: 7, commit: C });
    expect(kernelSource()('mm/memory.c', 'do_swap_page')).toEqual({ file: 'mm/memory.c', fn: 'do_swap_page' });
  });

  it('formats a place, a label and a line with the commit', () => {
    const c = at('mm/migrate_device.c', 'migrate_vma_collect_pmd', 261, 262);
    expect(citationLabel(c)).toBe('mm/migrate_device.c:261-262 migrate_vma_collect_pmd()');
    expect(citationText(c)).toBe('mm/migrate_device.c:261-262 migrate_vma_collect_pmd() @022a12deda53');
    expect(citationText(kernelSource()('mm/memory.c', 'do_swap_page'))).toBe('mm/memory.c do_swap_page()');
    const mail = mailSource('1432236705-4209-7-git-send-email-j.glisse@gmail.com')('hmm_pt_iter_update');
    expect(mail.url).toBe('https://lore.kernel.org/r/1432236705-4209-7-git-send-email-j.glisse@gmail.com');
    expect(citationText(mail)).toBe('<1432236705-4209-7-git-send-email-j.glisse@gmail.com> hmm_pt_iter_update()');
  });

  it('reads written line ranges, one citation per range', () => {
    expect(lineRanges(284)).toEqual([[284, undefined]]);
    expect(lineRanges('290-292 / 345-346')).toEqual([[290, 292], [345, 346]]);
    expect(lineRanges('907-909, 918-920')).toEqual([[907, 909], [918, 920]]);
    expect(() => lineRanges('12a')).toThrow('citation: bad line range "12a"');
    const cite = citeAt(C);
    const two = cite('mm/migrate_device.c', '93, 240', 'migrate_vma_split_folio / migrate_vma_collect_pmd', 'folio_put; goto again');
    expect(two.doc).toBe('folio_put; goto again');
    expect(two.src.map(citationLabel)).toEqual(['mm/migrate_device.c:93 migrate_vma_split_folio()', 'mm/migrate_device.c:240 migrate_vma_collect_pmd()']);
    expect(() => cite('f.c', '1, 2, 3', 'a / b', 'x')).toThrow('citation: 2 functions for 3 line ranges in f.c:1, 2, 3');
  });

  it('joins prose and cited parts; used as a string a Cited reads as its sources and prose', () => {
    const a = cited('lock', at('a.c', 'f', 1));
    const j = joinCited(a, '; then ', cited('unlock', at('b.c', 'g', 2)));
    expect(j.doc).toBe('lock; then unlock');
    expect(j.src.map(citationLabel)).toEqual(['a.c:1 f()', 'b.c:2 g()']);
    expect(`${a}`).toBe('a.c:1 f() @022a12deda53 — lock');
    expect({ ...a }).toEqual({ doc: 'lock', src: [at('a.c', 'f', 1)] });
    expect(stepDocFields('prose')).toEqual({ doc: 'prose' });
    expect(stepDocFields(a)).toEqual({ doc: 'lock', src: [at('a.c', 'f', 1)] });
  });

  it('citeSteps fills citations by label and keeps a step\'s own', () => {
    const own = at('own.c', 'own');
    const steps = citeSteps([{ label: 'A' }, { label: 'B', src: own }, { label: 'C' }], { A: at('a.c', 'f'), B: at('b.c', 'g') });
    expect(steps).toEqual([{ label: 'A', src: at('a.c', 'f') }, { label: 'B', src: own }, { label: 'C' }]);
  });
});

describe('SpecBuilder.sources', () => {
  it('cites thread steps by label unless they carry their own src; other actions are left alone', async () => {
    const { spec } = await import('../../spec/builder');
    const { t } = await import('../../spec/types');
    const own = at('own.c', 'own');
    const s = spec({ x: t.int(0, 1) })
      .init(() => ({ x: 0 }))
      .sources({ a: at('a.c', 'f', 3), b: at('b.c', 'g'), Env: at('e.c', 'e'), 'Q.a': at('q.c', 'q') })
      .thread('P', { instances: 2, steps: [{ label: 'a' }, { label: 'b', src: own }, { label: 'c' }] })
      .thread('Q', { instances: 1, steps: [{ label: 'a' }] })
      .action('Env', {}, {})
      .build();
    expect(s.actions.map((a) => [a.name, a.src])).toEqual([
      ['P.a', [at('a.c', 'f', 3)]],
      ['P.b', [own]],
      ['P.c', undefined],
      ['Q.a', [at('q.c', 'q')]],
      ['Env', undefined],
    ]);
  });
});
