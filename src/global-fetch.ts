// rx-lro/global-fetch: the platform's own `fetch`, for apps that target browsers and Node >= 18 and
// want no polyfill chunk at all: point the bundler's `cross-fetch` at this module (see the README).
// Without it, cross-fetch is only a lazy chunk, loaded where there is no global fetch.
/**
 * The platform's own `fetch`, for bundlers to use in place of cross-fetch.
 * @example
 * ```ts
 * // vite.config.ts
 * export default { resolve: { alias: { 'cross-fetch': 'rx-lro/global-fetch' } } };
 * ```
 */
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export default globalFetch;
export { globalFetch as fetch };
