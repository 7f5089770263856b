/**
 * Errors as data with stable codes until the edge (the CLI turns them into exit codes and one
 * line of text).
 */

/** The model itself is at fault: an effect, guard or predicate threw, or a state left its schema. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly reason: 'throw' | 'schema' | 'nondeterminism' | 'symmetry',
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The user's input is at fault: unknown model/variant/constant, a malformed trace file, bad flags. */
export class UsageError extends Error {}

/**
 * A limit of the checker itself was reached (a table's maximum size): never the model's fault, so
 * it passes through the wrapping that turns a throw inside an effect into a ModelError, and the CLI
 * reports it as an internal error (exit 255). The message says which limit and how to get past it.
 */
export class InternalLimitError extends Error {}
