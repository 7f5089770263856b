/** Types of bin/buildState.mjs (plain JavaScript: it runs before anything is built). */
export declare const STAMP_FILE: string;
export declare const SOURCE_DIRS: readonly string[];
export declare function buildState(root: string): 'current' | 'stale' | 'missing' | 'installed';
export declare function runsBuild(state: ReturnType<typeof buildState>, fromSources: string | undefined): boolean;
