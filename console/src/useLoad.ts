import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { describeCode } from './logic/errors.ts';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const message = error.body.details.message;
    const layer = error.body.details.layer;
    const base = typeof message === 'string' ? message : describeCode(error.body.code);
    return typeof layer === 'string' ? `${base} (refused by: ${layer})` : base;
  }
  return 'Something went wrong';
}

/** Loads on mount and whenever `key` changes; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setResult({ state: 'ready', value }),
      (error: unknown) => live && setResult({ state: 'error', message: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  return [result, useCallback(() => setRound((r) => r + 1), [])];
}
