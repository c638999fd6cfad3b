// Guards for values of unknown shape, as callers and services hand them over.

/** Whether a value is an object (arrays included), so its fields can be read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Whether a value is a promise (or any thenable): credentials, lazy starts and storages may be either. */
export function isPromiseLike<V>(value: unknown): value is PromiseLike<V> {
  return isObject(value) && typeof value['then'] === 'function';
}
