/**
 * Turns a model plus user choices (variant, `--const k=v` overrides) into a spec, validating
 * every choice with an error that lists the valid ones.
 */
import type { ConstantDef, ConstValue, ModelDef } from '../../spec/model';
import type { Spec } from '../../spec/spec';
import { SpecError } from '../../spec/specError';
import { UsageError } from '../engine/errors';

export interface Instance {
  readonly model: ModelDef<any>;
  readonly variant: string;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly spec: Spec;
}

function describeConstant(name: string, def: ConstantDef): string {
  switch (def.kind) {
    case 'int': return `${name} (${def.min}..${def.max})`;
    case 'enum': return `${name} (${def.values.join('|')})`;
    case 'bool': return `${name} (true|false)`;
  }
}

/** Parses a constant's textual value (from the CLI or a trace file) against its definition. */
export function parseConstant(model: ModelDef<any>, name: string, raw: string | ConstValue): ConstValue {
  // Own properties only: a name from the CLI or a file must not reach Object.prototype (`toString`).
  const defs = model.constants as Record<string, ConstantDef>;
  const def = Object.hasOwn(defs, name) ? defs[name] : undefined;
  const names = Object.entries(model.constants as Record<string, ConstantDef>).map(([k, d]) => describeConstant(k, d));
  if (!def) {
    throw new UsageError(`model ${model.name} has no constant '${name}'; valid: ${names.length ? names.join(', ') : '(none)'}`);
  }
  const text = String(raw);
  switch (def.kind) {
    case 'int': {
      const v = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || v < def.min || v > def.max) {
        throw new UsageError(`constant ${name}=${text} is out of range; valid: ${describeConstant(name, def)}`);
      }
      return v;
    }
    case 'enum':
      if (!def.values.includes(text)) throw new UsageError(`constant ${name}=${text} is not valid; valid: ${describeConstant(name, def)}`);
      return text;
    case 'bool':
      if (text !== 'true' && text !== 'false') throw new UsageError(`constant ${name}=${text} is not valid; valid: ${describeConstant(name, def)}`);
      return text === 'true';
  }
}

/**
 * The constants `instantiate` builds a variant with: the model's defaults, the variant's bound
 * (`expect.at`), then the overrides (raw strings or values).
 */
export function variantConstants(model: ModelDef<any>, variant: string, overrides: Readonly<Record<string, string | ConstValue>> = {}): Record<string, ConstValue> {
  if (!Object.hasOwn(model.variants, variant)) {
    throw new UsageError(`model ${model.name} has no variant '${variant}'; valid: ${Object.keys(model.variants).join(', ')}`);
  }
  const constants: Record<string, ConstValue> = {};
  for (const [k, def] of Object.entries(model.constants as Record<string, ConstantDef>)) constants[k] = def.default;
  for (const [k, raw] of Object.entries({ ...model.variants[variant]!.expect.at, ...overrides })) constants[k] = parseConstant(model, k, raw);
  return constants;
}

/**
 * Builds the spec of `model` for a variant and constant overrides (raw strings or values), over the
 * model's defaults and the variant's bound (`expect.at`).
 */
export function instantiate(
  model: ModelDef<any>,
  variant = 'fixed',
  overrides: Readonly<Record<string, string | ConstValue>> = {},
): Instance {
  const constants = variantConstants(model, variant, overrides);
  let spec: Spec;
  try {
    spec = model.build({ constants, variant });
  } catch (e) {
    // A spec that cannot be built as declared is a configuration error, not a checker fault.
    if (e instanceof SpecError) throw new UsageError(`model ${model.name}: ${e.message}`);
    throw e;
  }
  return { model, variant, constants, spec };
}
