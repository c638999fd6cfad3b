// rx-lro/global-fetch: the platform's own `fetch`, for apps that target browsers and Node >= 18 and
// want no polyfill: point the bundler's `cross-fetch` at this module (see the README).
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export default globalFetch;
export { globalFetch as fetch };
