/**
 * @module
 * Small, exact statistics: the benchmark sorts every recorded response time instead of trusting a
 * histogram, because loopback latencies live below a millisecond.
 */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile of an unsorted sample (q in 0..1). */
export function quantile(values: readonly number[] | Float64Array, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The median of per-pair ratios `a[i] / b[i]`: robust to the drift of a shared machine. */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (y > 0 && Number.isFinite(x)) ratios.push(x / y);
  }
  return median(ratios);
}
