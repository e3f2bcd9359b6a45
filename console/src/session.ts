/**
 * Where the API token lives while signed in: in memory, mirrored to `sessionStorage` so a reload of
 * the tab keeps the session. Never `localStorage` (it outlives the tab), never a cookie (sent
 * along with requests, readable by scripts) and never the URL (history, logs, Referer).
 */
const KEY = 'latchkey.console.token';

let current: string | null = null;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be switched off; the session then lasts as long as the page.
    return null;
  }
}

export function getToken(): string | null {
  if (current === null) current = storage()?.getItem(KEY) ?? null;
  return current;
}

export function setToken(token: string): void {
  current = token;
  storage()?.setItem(KEY, token);
}

export function clearToken(): void {
  current = null;
  storage()?.removeItem(KEY);
}
