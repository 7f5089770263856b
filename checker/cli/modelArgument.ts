/**
 * What a model argument names, decided without loading anything: the CLI's parse-time checks
 * (`--typecheck`) use it, and importing the registry here would load every model for `--version`.
 */

/** Whether a model argument names a spec module file rather than a registry model. */
export function looksLikePath(arg: string): boolean {
  return /\.(m?[jt]s)$/.test(arg) || arg.startsWith('.') || arg.startsWith('/');
}
