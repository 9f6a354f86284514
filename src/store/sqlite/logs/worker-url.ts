/** Where a worker thread's module is: next to this one in the build; in dist/ when running from source (tests). */
export function workerUrl(name: string): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return new URL(fromSource ? `../../../../dist/store/sqlite/logs/${name}.js` : `./${name}.js`, import.meta.url);
}
