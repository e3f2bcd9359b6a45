/** Client-side routes under `/admin`; the server answers every `/admin/*` path with the console. */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/admin';

export function currentPath(): string {
  const path = window.location.pathname;
  const inner = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return inner === '' ? '/' : inner;
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}${path}`);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Plain links that navigate without a reload; modified clicks keep the browser's behaviour. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
