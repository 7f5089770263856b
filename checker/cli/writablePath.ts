/**
 * Output paths checked before any work starts: a folder that does not exist, a path that is a
 * folder, or a place that cannot be written is a one-line usage error (exit 150) at once, instead
 * of an internal error after the run, with its result lost.
 */
import { closeSync, openSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../engine/errors';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Throws a UsageError unless `path` (given as `flag`) can be created or replaced. Nothing is left
 * changed: writability is probed by creating and removing a file beside it (access() would say yes
 * to root even on a read-only file system) and by opening an existing file without truncating it.
 */
export function assertWritable(flag: string, path: string): void {
  const cannot = (why: string) => new UsageError(`cannot write ${flag} ${path}: ${why}`);
  const st = statOrUndefined(path);
  if (st?.isDirectory()) throw cannot('it is a folder; give a file path');
  const dir = dirname(path);
  const dst = statOrUndefined(dir);
  if (!dst) throw cannot(`the folder ${dir} does not exist`);
  if (!dst.isDirectory()) throw cannot(`${dir} is not a folder`);
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    if (st) closeSync(openSync(path, 'r+'));
  } catch (e) {
    throw cannot(`not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Throws a UsageError unless folder `dir` exists and can be written in, or can be created. */
export function assertWritableFolder(flag: string, dir: string): void {
  const cannot = (why: string) => new UsageError(`cannot write ${flag} ${dir}: ${why}`);
  // The nearest folder that exists: where files (or the missing folders) would be created.
  let at = resolve(dir);
  let st = statOrUndefined(at);
  while (!st && dirname(at) !== at) {
    at = dirname(at);
    st = statOrUndefined(at);
  }
  if (!st?.isDirectory()) throw cannot(`${at} is not a folder`);
  const probe = join(at, `.hmmcheck.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw cannot(`${at} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
