/**
 * Pages loaded on first visit, without Suspense. React 19 holds back revealing a Suspense
 * boundary's content for up to 300 ms after its fallback showed (to batch reveals); measured
 * on the log page that was half of its time to first rows. Here a page shows as soon as its
 * chunk has arrived, and once the app is idle every page is fetched ahead of the first click.
 */
import { useEffect, useState, type ComponentType } from 'react';
import { ErrorView, Loading } from './states';

export interface LoadedPage<P> {
  Page: ComponentType<P>;
  /** Starts loading the chunk (again, after a failure); resolves when it is there. */
  preload: () => Promise<void>;
}

export function pageLoader<P extends object>(load: () => Promise<ComponentType<P>>): LoadedPage<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (c) => void (loaded = c),
      (err: unknown) => {
        pending = null;
        throw err;
      },
    ));
  function Page(props: P) {
    const [, setLoaded] = useState(loaded !== null);
    const [error, setError] = useState<Error | null>(null);
    useEffect(() => {
      // Always through the promise: the chunk may have arrived between this render and this
      // effect (it is preloaded with the session check), and then only a state change re-renders.
      preload().then(() => setLoaded(true), (err: Error) => setError(err));
    }, []);
    if (error) {
      // Usually an upgrade of the hub: the old chunk names are gone, a reload fetches the new ones.
      return <ErrorView error={new Error(`${error.message}. The hub may have been upgraded: reload the page.`)} retry={() => location.reload()} what="this page" />;
    }
    if (!loaded) return <Loading what="the page" />;
    const Loaded = loaded;
    return <Loaded {...props} />;
  }
  return { Page, preload };
}

/** Fetches every page's chunk once the browser is idle, so later clicks render at once. */
export function preloadWhenIdle(pages: LoadedPage<never>[]): void {
  const run = () => pages.forEach((p) => void p.preload().catch(() => undefined));
  if ('requestIdleCallback' in window) requestIdleCallback(run, { timeout: 3000 });
  else setTimeout(run, 1000);
}
