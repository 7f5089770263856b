/** `hmmcheck list`: the models, their variants (with expected verdicts) and constants. */
import { registry } from '../../../models';
import type { ConstantDef } from '../../../spec/model';
import { boundText } from '../../report/summary';

function constantText(name: string, c: ConstantDef): string {
  switch (c.kind) {
    case 'int': return `${name}=${c.default} (${c.min}..${c.max})`;
    case 'enum': return `${name}=${c.default} (${c.values.join('|')})`;
    case 'bool': return `${name}=${c.default}`;
  }
}

export function listCommand(): string {
  const out: string[] = [];
  for (const m of registry) {
    out.push(`${m.name} — ${m.title}`);
    const consts = Object.entries(m.constants as Record<string, ConstantDef>).map(([k, c]) => constantText(k, c));
    if (consts.length) out.push(`    constants: ${consts.join(', ')}`);
    for (const [v, def] of Object.entries(m.variants)) {
      const e = def.expect;
      const expect = e.verdict === 'violation' || e.verdict === 'liveness' ? `violates ${e.property}` : e.verdict;
      const bound = boundText(e.at);
      out.push(`    ${v.padEnd(30)} expect: ${expect}${bound ? ` at ${bound}` : ''}`);
    }
  }
  return out.join('\n');
}
