import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../../checker/check';
import { spec } from '../../../spec/builder';
import {
  isDevicePrivate,
  isMigration,
  isNone,
  isPresent,
  isSwap,
  pteCopy,
  pteDevicePrivate,
  pteMaps,
  pteMigration,
  pteNone,
  ptePresent,
  pteSame,
  pteString,
  pteSwap,
  pteToMigration,
  pteType,
  type Pte,
} from '../../../spec/kernel/pte';

describe('PTE constructors are canonical (unused fields null / false)', () => {
  it.each([
    [pteNone(), { kind: 'none', pfn: null, writable: false, dirty: false }, 'none'],
    [ptePresent('S0', true, true), { kind: 'present', pfn: 'S0', writable: true, dirty: true }, 'pres(S0,w,d)'],
    [ptePresent('S0', false, false), { kind: 'present', pfn: 'S0', writable: false, dirty: false }, 'pres(S0,r)'],
    [pteMigration('S0', true), { kind: 'migration', pfn: 'S0', writable: true, dirty: false }, 'mig(S0,w)'],
    [pteDevicePrivate('D0', false), { kind: 'devpriv', pfn: 'D0', writable: false, dirty: false }, 'dpriv(D0,r)'],
    [pteSwap('S0'), { kind: 'swap', pfn: 'S0', writable: false, dirty: false }, 'swp(S0)'],
  ] as const)('%o', (e, fields, text) => {
    expect(e).toEqual(fields);
    expect(pteString(e)).toBe(text);
  });
});

describe('PTE predicates', () => {
  it('classify by kind and, optionally, by page', () => {
    const p = ptePresent('S0', true, false);
    expect(isPresent(p)).toBe(true);
    expect(isPresent(p, 'S0')).toBe(true);
    expect(isPresent(p, 'S1')).toBe(false);
    expect(isMigration(pteMigration('S0', false), 'S0')).toBe(true);
    expect(isDevicePrivate(pteDevicePrivate('D0', true), 'D0')).toBe(true);
    expect(isSwap(pteSwap('S0'))).toBe(true);
    expect(isNone(pteNone())).toBe(true);
    expect(isNone(p)).toBe(false);
  });

  it('present and device-private entries map their page (mapcount); migration and swap entries do not', () => {
    expect(pteMaps(ptePresent('S0', false, false), 'S0')).toBe(true);
    expect(pteMaps(pteDevicePrivate('D0', true), 'D0')).toBe(true);
    expect(pteMaps(pteDevicePrivate('D0', true), 'S0')).toBe(false);
    expect(pteMaps(pteMigration('S0', true), 'S0')).toBe(false);
    expect(pteMaps(pteSwap('S0'), 'S0')).toBe(false);
    expect(pteMaps(pteNone(), 'S0')).toBe(false);
  });

  it('pte_same compares every field (the fault path re-check of §1.10)', () => {
    expect(pteSame(pteDevicePrivate('D0', true), pteDevicePrivate('D0', true))).toBe(true);
    expect(pteSame(pteDevicePrivate('D0', true), pteDevicePrivate('D0', false))).toBe(false);
    expect(pteSame(ptePresent('S0', true, false), ptePresent('S0', true, true))).toBe(false);
    expect(pteSame(pteMigration('S0', true), pteDevicePrivate('S0', true))).toBe(false);
  });

  it('a migration entry keeps the write bit and drops the dirty bit (carrying it is the caller’s job: H8)', () => {
    expect(pteToMigration(ptePresent('S0', true, true))).toEqual(pteMigration('S0', true));
    expect(pteToMigration(pteDevicePrivate('D0', false))).toEqual(pteMigration('D0', false));
    expect(() => pteToMigration(pteSwap('S0'))).toThrow(/not a present or device-private entry/);
    expect(() => pteToMigration(pteNone())).toThrow();
  });

  it('pteCopy makes an independent object', () => {
    const a: Pte<'S0'> = ptePresent('S0', true, false);
    const b = pteCopy(a);
    b.dirty = true;
    expect(a.dirty).toBe(false);
  });
});

describe('pteType in a spec', () => {
  it('holds every canonical entry over its pages: none + 4 present + 2 migration + 2 device-private + 1 swap per page', () => {
    // One action sets the PTE to any canonical entry: the reachable states are exactly the entries.
    const all: Pte<'S0' | 'D0'>[] = [pteNone()];
    for (const x of ['S0', 'D0'] as const) {
      for (const w of [false, true]) {
        for (const dirty of [false, true]) all.push(ptePresent(x, w, dirty));
        all.push(pteMigration(x, w), pteDevicePrivate(x, w));
      }
      all.push(pteSwap(x));
    }
    const sp = spec({ pte: pteType(['S0', 'D0']) })
      .init(() => ({ pte: pteNone() }))
      .action('Set', {}, { effect: (d, _p, ctx) => void (d.pte = pteCopy(ctx.choose(all))) })
      .build();
    const { result } = checkSpec(sp);
    expect(result.verdict.kind).toBe('holds');
    expect(result.stats.distinct).toBe(1 + 2 * (4 + 2 + 2 + 1));
  });
});
