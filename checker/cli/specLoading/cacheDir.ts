/** Where transpiled spec files are cached (transpileCache.ts), without loading the transpiler. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $HMMCHECK_CACHE_DIR, else $XDG_CACHE_HOME/hmmcheck/specs or ~/.cache/hmmcheck/specs. */
export function specCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HMMCHECK_CACHE_DIR) return env.HMMCHECK_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hmmcheck', 'specs');
}
