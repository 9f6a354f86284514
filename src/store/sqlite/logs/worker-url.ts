/**
 * The entry file of a worker thread of the log store. Running from source (tests under
 * vitest), worker threads cannot load TypeScript, so the built file in dist/ is used:
 * `npm test` builds before testing.
 */
export function workerUrl(name: string): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? `../../../../dist/store/sqlite/logs/${name}.js` : `./${name}.js`, import.meta.url);
}
