/**
 * The one error for every failed authentication check: a wrong key, a flipped
 * bit, a truncated or reordered stream, a record moved to another context, a
 * bad signature. Callers cannot tell these apart on purpose (no oracle), and
 * no function that throws it has returned any plaintext first.
 */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(message = 'Integrity check failed: the data was altered, truncated or opened with the wrong key') {
    super(message);
  }
}
