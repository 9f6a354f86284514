/** The three states every view has besides its content: loading, empty and failed. */
import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="state-hint">{children}</div>}
    </div>
  );
}

/** What failed, and what to do about it. */
export function ErrorView({ error, retry, what }: { error: Error; retry?: () => void; what: string }) {
  let hint = 'Retry; if it keeps failing, look at the hub\'s log.';
  if (error instanceof ApiError) {
    if (error.status === 0) hint = 'The hub did not answer: check that it is running (wheelhouse status), then retry.';
    else if (error.status === 403) hint = 'Your role does not allow this. Ask an administrator.';
    else if (error.status === 401) hint = 'Your session ended. Sign in again.';
    else if (error.status === 404) hint = 'It may have been removed or renamed.';
    else if (error.status === 400) hint = 'Correct the input and try again.';
  }
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load {what}.</strong>
      <div>{error.message}</div>
      <div className="state-hint">{hint}</div>
      {retry && (
        <button type="button" className="btn" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Renders loading, error or empty views, else the content. */
export function Guard<T>({ f, what, empty, children }: { f: { data: T | undefined; error: Error | undefined; loading: boolean; reload: () => void }; what: string; empty?: (d: T) => ReactNode | false; children: (d: T) => ReactNode }) {
  if (f.error && f.data === undefined) return <ErrorView error={f.error} retry={f.reload} what={what} />;
  if (f.data === undefined) return <Loading what={what} />;
  const e = empty?.(f.data);
  return (
    <>
      {f.error && <ErrorView error={f.error} retry={f.reload} what={`the latest ${what}`} />}
      {e || children(f.data)}
    </>
  );
}
