/** Short messages after an action: what happened, or what failed and why. */
import { useSyncExternalStore } from 'react';

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Shows `text` for a few seconds (errors longer: they need reading). */
export function toast(kind: Toast['kind'], text: string): void {
  const t = { id: nextId++, kind, text };
  toasts = [...toasts, t].slice(-5);
  emit();
  setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== t.id);
    emit();
  }, kind === 'error' ? 8000 : 3000);
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    () => toasts,
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
