/**
 * @module
 * Deterministic benchmark secrets: the seeding process and the load generator derive the same
 * valid `lk_` secrets from an index, so a million of them never cross a process boundary. The
 * bytes come from a small seeded PRNG (mulberry32): these secrets guard nothing, and a million of
 * them must be made in about a second.
 */
import { generateSecret } from '../../src/core/secret.ts';

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function benchSecret(seed: string, index: number): string {
  let state = (seedOf(seed) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return generateSecret((size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i += 4) {
      const word = next();
      for (let b = 0; b < 4 && i + b < size; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
    }
    return out;
  });
}
