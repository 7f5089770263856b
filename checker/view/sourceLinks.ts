/**
 * Links from a trace step to the kernel source it cites: a URL template with `{file}`, `{line}`,
 * `{commit}` and `{fn}`, so users can point the viewer at their own tree (file://) or a browser.
 */
import { isMailCitation, type Citation } from '../../spec/citation';
import { UsageError } from '../engine/errors';

/**
 * git.kernel.org's tree view of the stable repository at the cited commit and line: it holds every
 * mainline commit and tag as well as the stable tags (v6.12.118), which torvalds/linux does not.
 */
export const DEFAULT_SOURCE_URL = 'https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/{file}?id={commit}#n{line}';

/** The environment variable that sets the template when `--source-url` is not given. */
export const SOURCE_URL_ENV = 'HMMCHECK_SOURCE_URL';

/** `{commit}` of a citation whose era is not pinned to a commit. */
const UNPINNED_COMMIT = 'master';

const SAFE_SCHEME = /^(https?|file):\/\//i;

/**
 * The template to use: `--source-url`, else $HMMCHECK_SOURCE_URL, else the default. A template
 * must be an http(s) or file URL (a `javascript:` template would run in the page).
 */
export function sourceUrlTemplate(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const [template, from] = flag !== undefined ? [flag, '--source-url'] : env[SOURCE_URL_ENV] ? [env[SOURCE_URL_ENV]!, SOURCE_URL_ENV] : [DEFAULT_SOURCE_URL, ''];
  if (!SAFE_SCHEME.test(template)) throw new UsageError(`${from} must start with http://, https:// or file://, got ${JSON.stringify(template)}`);
  return template;
}

/** A path with each segment percent-encoded, its slashes kept. */
function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The URL of a citation under `template`; a mail's own URL (http(s) only); undefined when there is none. */
export function citationUrl(template: string, c: Citation): string | undefined {
  if (isMailCitation(c)) return /^https?:\/\//i.test(c.url) ? c.url : undefined;
  const values: Record<string, string> = {
    file: encodePath(c.file),
    line: c.line !== undefined ? String(c.line) : '',
    commit: encodeURIComponent(c.commit ?? UNPINNED_COMMIT),
    fn: encodeURIComponent(c.fn),
  };
  // A citation of a whole function has no line: drop the template's line anchor (`#n{line}`, `#L{line}`).
  const t = c.line === undefined ? template.replace(/#[^#{}]*\{line\}[^#{}]*$/, '') : template;
  return t.replace(/\{(file|line|commit|fn)\}/g, (_, k: string) => values[k]!);
}
