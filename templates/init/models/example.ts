/**
 * An example model: two threads each add one to a shared counter, reading it into a local and
 * writing back one more. In `fixed` each holds a lock from before the read to after the write; in
 * `lost-update` the lock step takes no lock, so both can read 0 and the counter ends at 1.
 *
 *   npx hmmcheck check models/example.ts                        # every property holds
 *   npx hmmcheck check models/example.ts --variant lost-update  # the shortest trace that loses an update
 */
import { defineModel, spec, t } from 'hmmcheck/spec';

type Id = 'A' | 'B';

export default defineModel({
  name: 'example/counter',
  title: 'Two threads increment a shared counter',
  source: 'hmmcheck init',
  constants: {},
  variants: {
    fixed: { doc: 'each increment holds the lock', expect: { verdict: 'holds' } },
    'lost-update': { doc: 'the lock step takes no lock: both threads can read the same value', expect: { verdict: 'violation', property: 'NoLostUpdate' } },
  },
  build: ({ variant }) => {
    const locked = variant === 'fixed';
    return spec({ count: t.int(0, 2), lock: t.optional(t.enum('A', 'B')), finished: t.int(0, 2) })
      .init(() => ({ count: 0, lock: null, finished: 0 }))
      .thread('T', {
        instances: ['A', 'B'],
        locals: { seen: t.int(0, 2) },
        initLocals: () => ({ seen: 0 }),
        steps: [
          {
            label: 'lock',
            guard: (s) => !locked || s.lock === null,
            effect: (d, th) => {
              if (locked) d.lock = th.id as Id;
            },
          },
          { label: 'read', effect: (d, th) => void (th.local.seen = d.count) },
          { label: 'write', effect: (d, th) => void (d.count = th.local.seen + 1) },
          {
            label: 'unlock',
            effect: (d) => {
              if (locked) d.lock = null;
              d.finished++;
            },
          },
        ],
      })
      .invariant('NoLostUpdate', (s) => s.finished < 2 || s.count === 2)
      .build();
  },
});
