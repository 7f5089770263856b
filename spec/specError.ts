/**
 * A mistake in how a spec is put together (a thread kind without instances, a repeated name), found
 * while it is built: a configuration error the CLI reports as one line with exit 150.
 */

/**
 * Thrown by the spec builder for a spec that cannot be built as declared.
 *
 * @example
 * spec({ x: t.bool() }).thread('T', { instances: 0, steps: [{ label: 'a' }] })
 * // throws SpecError: thread T: instances must be a positive integer or a non-empty list of ids, got 0
 */
export class SpecError extends Error {}
