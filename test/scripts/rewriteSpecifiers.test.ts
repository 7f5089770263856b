/** The build's declarations get explicit extensions, so `moduleResolution: NodeNext` resolves them. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewriteTree } from '../../scripts/rewriteSpecifiers.mjs';

describe('rewriteTree', () => {
  it('adds .js or /index.js to relative specifiers naming built declarations, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-rewrite-'));
    mkdirSync(join(dir, 'spec/kernel'), { recursive: true });
    writeFileSync(join(dir, 'spec/types.d.ts'), 'export type T = 1;\n');
    writeFileSync(join(dir, 'spec/kernel/index.d.ts'), 'export {};\n');
    writeFileSync(
      join(dir, 'spec/builder.d.ts'),
      [
        "import type { T } from './types';",
        "export * from './kernel';",
        'export declare const x: import("./types").T;',
        "import { y } from './types.js';",
        "import { z } from 'immer';",
        "import { w } from './missing';",
        '',
      ].join('\n'),
    );
    expect(rewriteTree(dir)).toBe(1);
    expect(readFileSync(join(dir, 'spec/builder.d.ts'), 'utf8').split('\n')).toEqual([
      "import type { T } from './types.js';",
      "export * from './kernel/index.js';",
      'export declare const x: import("./types.js").T;',
      "import { y } from './types.js';",
      "import { z } from 'immer';",
      "import { w } from './missing';",
      '',
    ]);
  });
});
