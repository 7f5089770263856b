/**
 * Which of a spec's properties a run checks, decided before it starts: temporal properties need a
 * complete BFS over one worker's state graph, so `--strategy dfs` and `--por` leave them out. The
 * banner says so up front, and a run that finds nothing says "every checked property holds".
 */
import type { Spec } from '../../spec/spec';

/** How the run is configured, as far as it decides what is checked. */
export interface CheckPlan {
  readonly strategy: 'bfs' | 'dfs';
  readonly por?: boolean;
  /** The deadlock flag as given (`--deadlock` / `--no-deadlock`); default: the spec's setting. */
  readonly deadlock?: boolean;
  /** A partitioned search on a cluster (`check --cluster`): no state graph, so no temporal properties. */
  readonly cluster?: boolean;
}

export interface CheckedProperties {
  readonly invariants: readonly string[];
  readonly actionProperties: readonly string[];
  readonly deadlock: boolean;
  /** Temporal properties checked (empty when the spec has none or they are skipped). */
  readonly temporal: readonly string[];
  /** Temporal properties the spec declares but this run does not check, and why. */
  readonly notChecked?: { readonly properties: readonly string[]; readonly reason: string };
}

const unique = (names: readonly string[]) => names.filter((n, i) => names.indexOf(n) === i);

/** Why a configuration leaves temporal properties out, or undefined when it checks them. */
export function temporalSkipReason(plan: CheckPlan): string | undefined {
  if (plan.strategy === 'dfs') return '--strategy dfs checks invariants, action properties and deadlock only; use bfs';
  if (plan.por) return '--por is a reduction for invariants and deadlock only';
  if (plan.cluster) return '--cluster checks invariants, action properties and deadlock only';
  return undefined;
}

/**
 * The properties `plan` checks on `spec`.
 *
 * @example
 * checkedProperties(spec, { strategy: 'dfs' }).notChecked?.properties  // ['Answered'] when the spec has it
 */
export function checkedProperties(spec: Spec, plan: CheckPlan): CheckedProperties {
  const temporal = unique(spec.liveness.map((p) => p.name));
  const skip = temporal.length > 0 ? temporalSkipReason(plan) : undefined;
  return {
    invariants: spec.invariants.map((p) => p.name),
    actionProperties: spec.actionProperties.map((p) => p.name),
    deadlock: plan.deadlock ?? spec.checkDeadlock,
    temporal: skip ? [] : temporal,
    ...(skip ? { notChecked: { properties: temporal, reason: skip } } : {}),
  };
}

/** The run's warning when temporal properties were left out (the CLI says so up front instead). */
export function temporalSkipWarning(reason: string): string {
  return `${reason}; temporal properties were not checked`;
}

/** The verdict line of a run that found nothing: it names what it did not check. */
export function holdsLine(c: CheckedProperties): string {
  const n = c.notChecked;
  if (!n) return 'No error has been found: every property holds.';
  return `No error has been found: every checked property holds; temporal propert${n.properties.length === 1 ? 'y' : 'ies'} ${names(n.properties)} ${n.properties.length === 1 ? 'was' : 'were'} not checked (${n.reason}).`;
}

/** A list of names, shortened after `max`: `A, B, C and 4 more`. */
function names(list: readonly string[], max = 6): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/**
 * One line for the banner: `Checking invariants TCConsistent, TypeOK; deadlock. Not checking
 * temporal property Answered (--strategy dfs checks invariants, action properties and deadlock only; use bfs).`
 */
export function checkedPropertiesLine(c: CheckedProperties): string {
  const parts = [
    ...(c.invariants.length ? [`invariant${c.invariants.length === 1 ? '' : 's'} ${names(c.invariants)}`] : []),
    ...(c.actionProperties.length ? [`action propert${c.actionProperties.length === 1 ? 'y' : 'ies'} ${names(c.actionProperties)}`] : []),
    ...(c.temporal.length ? [`temporal propert${c.temporal.length === 1 ? 'y' : 'ies'} ${names(c.temporal)}`] : []),
    ...(c.deadlock ? ['deadlock'] : []),
  ];
  const checking = parts.length ? `Checking ${parts.join('; ')}.` : 'Checking no property (the spec declares none and deadlock is off).';
  const n = c.notChecked;
  return n ? `${checking} Not checking temporal propert${n.properties.length === 1 ? 'y' : 'ies'} ${names(n.properties)} (${n.reason}).` : checking;
}
