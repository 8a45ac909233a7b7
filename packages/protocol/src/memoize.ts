/**
 * A promise made on the first call and shared by every call after it; a
 * rejection is forgotten, so the next call tries again (e.g. a remote schema
 * that could not be loaded while its server was down).
 */
export function memoizeUntilRejected<T>(start: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(start)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}
