/** Types of scripts/rewriteSpecifiers.mjs (plain JavaScript: it runs before anything is built). */
export declare function explicitSpecifier(fromFile: string, spec: string): string;
export declare function rewriteFile(file: string): boolean;
export declare function rewriteTree(dir: string): number;
