/**
 * The modelling DSL in one import (`hmmcheck/spec`, also the package's main entry): the builder,
 * the state types, models with constants and variants, temporal properties and fairness, access
 * declarations for lint, and source citations. Kernel primitives are in `hmmcheck/spec/kernel`.
 *
 * @example
 * import { defineModel, spec, t } from 'hmmcheck/spec';
 *
 * export default spec({ x: t.int(0, 3) })
 *   .init(() => ({ x: 0 }))
 *   .action('Inc', {}, { guard: (s) => s.x < 3, effect: (d) => void d.x++ })
 *   .invariant('Small', (s) => s.x <= 3)
 *   .build();
 */
export * from './access';
export * from './bag';
export * from './builder';
export * from './citation';
export * from './model';
export * from './spec';
export * from './specError';
export * from './temporal';
export * from './controlStates';
export * from './tlaArith';
export * from './types';
export * from './valueKey';
export * from './valueSet';
