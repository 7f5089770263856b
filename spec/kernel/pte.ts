/**
 * Page-table entries (hmm-domain.md §3 M3 "pte[a] ∈ {none, pres(pfn, w, dirty), mig(pfn, w),
 * dpriv(pfn, w)}", plus swap entries): one schema type with a `kind` and the fields every kind
 * shares, kept canonical (fields a kind does not use are null / false) so that equal entries are
 * equal states.
 *
 * - `none`: pte_none.
 * - `present(pfn, writable, dirty)`: a present PTE; `dirty` is the hardware dirty bit, set by a CPU
 *   write through the entry and carried to the page only by whoever clears the entry.
 * - `migration(pfn, writable)`: a migration entry (a CPU access waits for the page's unlock).
 * - `devpriv(pfn, writable)`: a device-private entry (a CPU access takes the device-private fault).
 * - `swap(pfn)`: a swap entry; `pfn` names the page whose swap slot holds the data (its swap-cache
 *   page, possibly freed since — see spec/kernel/page.ts on `swap`).
 *
 * @example
 * const fields = { pte: pteType(['S0', 'D0']) };
 * // init: pte: ptePresent('S0', true, false)
 * // collect: if (isPresent(d.pte)) { const old = d.pte; d.pte = pteMigration(old.pfn!, old.writable); }
 */
import { t, type BoolType, type EnumType, type OptionalType, type RecordType } from '../types';

/** The values of `PteKind`, in schema order. */
export const PTE_KINDS = ['none', 'present', 'migration', 'devpriv', 'swap'] as const;
/** What a PTE holds: nothing, a present page, a migration entry, a device-private entry, a swap entry. */
export type PteKind = (typeof PTE_KINDS)[number];

/** Runtime state of a PTE over page names `P`. */
export interface Pte<P extends string = string> {
  kind: PteKind;
  /** The page the entry refers to (null for none). */
  pfn: P | null;
  /** Write permission (present), or a writable migration / device-private entry. */
  writable: boolean;
  /** Hardware dirty bit (present entries only). */
  dirty: boolean;
}

/** Schema type of a PTE whose pfn is one of `pfns`. */
export function pteType<const P extends string>(
  pfns: readonly P[],
): RecordType<{ kind: EnumType<PteKind>; pfn: OptionalType<EnumType<P>>; writable: BoolType; dirty: BoolType }> {
  return t.record({ kind: t.enum(...PTE_KINDS), pfn: t.optional(t.enum(...pfns)), writable: t.bool(), dirty: t.bool() });
}

/** An empty entry (pte_none). */
export function pteNone<P extends string = never>(): Pte<P> {
  return { kind: 'none', pfn: null, writable: false, dirty: false };
}

/** A present entry mapping `pfn` (pte_present), with its write and hardware dirty bits. */
export function ptePresent<P extends string>(pfn: P, writable: boolean, dirty: boolean): Pte<P> {
  return { kind: 'present', pfn, writable, dirty };
}

/** A migration entry for `pfn` (make_writable_migration_entry / make_readable_migration_entry): no dirty bit. */
export function pteMigration<P extends string>(pfn: P, writable: boolean): Pte<P> {
  return { kind: 'migration', pfn, writable, dirty: false };
}

/** A device-private entry for `pfn` (make_writable_device_private_entry / make_readable_…). */
export function pteDevicePrivate<P extends string>(pfn: P, writable: boolean): Pte<P> {
  return { kind: 'devpriv', pfn, writable, dirty: false };
}

/** A swap entry whose slot holds the data of `pfn`'s page. */
export function pteSwap<P extends string>(pfn: P): Pte<P> {
  return { kind: 'swap', pfn, writable: false, dirty: false };
}

/** Entry of `kind`, and (if `pfn` is given) referring to `pfn`. */
function is(kind: PteKind) {
  return (e: Pte, pfn?: string): boolean => e.kind === kind && (pfn === undefined || e.pfn === pfn);
}
/** pte_none. */
export const isNone = (e: Pte): boolean => e.kind === 'none';
/** pte_present (of `pfn`, if given). */
export const isPresent = is('present');
/** is_migration_entry (of `pfn`, if given). */
export const isMigration = is('migration');
/** is_device_private_entry (of `pfn`, if given). */
export const isDevicePrivate = is('devpriv');
/** A swap entry (of `pfn`, if given). */
export const isSwap = is('swap');

/** The entry maps its page (present or device-private): it accounts for one mapcount. */
export function pteMaps(e: Pte, pfn: string): boolean {
  return (e.kind === 'present' || e.kind === 'devpriv') && e.pfn === pfn;
}

/**
 * pte_same / pmd_same for any flat entry record (a `Pte`, a pageTable.ts `PtEntry`): the same value
 * in every field. Lockless walkers compare their snapshot with the slot this way.
 */
export function entrySame<E extends object>(a: E, b: E): boolean {
  const keys = Object.keys(a) as (keyof E)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** A copy of a flat entry record (states must not share objects between fields). */
export function entryCopy<E extends object>(e: E): E {
  return { ...e };
}

/** pte_same: the same entry, field by field. */
export function pteSame(a: Pte, b: Pte): boolean {
  return entrySame(a, b);
}

/** A copy (states must not share objects between fields). */
export function pteCopy<P extends string>(e: Pte<P>): Pte<P> {
  return entryCopy(e);
}

/**
 * The migration entry that replaces a present or device-private entry (write bit kept; the dirty
 * bit is not part of the entry — carrying it to the page is the caller's business, H8).
 */
export function pteToMigration<P extends string>(e: Pte<P>): Pte<P> {
  if ((e.kind !== 'present' && e.kind !== 'devpriv') || e.pfn === null) throw new Error(`pteToMigration: ${pteString(e)} is not a present or device-private entry`);
  return pteMigration(e.pfn, e.writable);
}

/** Short text form, e.g. `pres(S0,w,d)`, `mig(S0,w)`, `dpriv(D0,r)`, `swp(S0)`, `none`. */
export function pteString(e: Pte): string {
  const w = e.writable ? 'w' : 'r';
  switch (e.kind) {
    case 'none': return 'none';
    case 'present': return `pres(${e.pfn},${w}${e.dirty ? ',d' : ''})`;
    case 'migration': return `mig(${e.pfn},${w})`;
    case 'devpriv': return `dpriv(${e.pfn},${w})`;
    case 'swap': return `swp(${e.pfn})`;
  }
}
