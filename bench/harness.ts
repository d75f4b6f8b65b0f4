/** One line of bench/results.json: our figure beside its baseline, measured in the same run. */
export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  baselineName: string;
  /** ours / baseline. */
  ratio: number;
  /** Human target such as ">= 0.6" or "<= 1.5". */
  target: string;
  pass: boolean;
  /** Lowest and highest ratio over the interleaved rounds, when the figure is a median of rounds. */
  ratioRange?: [number, number];
  /** Lowest and highest of our measures over the rounds. */
  oursRange?: [number, number];
  /** Lowest and highest of the baseline's measures over the rounds (equal for a fixed budget). */
  baselineRange?: [number, number];
}

/** Median, lowest and highest of a set of measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * Runs each contender once per round, in turn, for `rounds` rounds (after one untimed warm-up round),
 * so that a slow patch of a busy machine hits every contender alike. Each run returns its measure
 * (time or rate); the result holds every contender's measures in round order.
 */
export async function interleavedRounds<K extends string>(
  rounds: number,
  contenders: Record<K, (round: number) => Promise<number>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const measures = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = -1; round < rounds; round++) {
    for (const name of names) {
      const value = await contenders[name](round);
      if (round >= 0) measures[name].push(value);
    }
  }
  return measures;
}

/**
 * A result from per-round measures of ours and the baseline (as `interleavedRounds` returns them):
 * medians of each side, the median of the per-round ratios, and every range. For a fixed budget pass
 * the budget once per round as the baseline.
 */
export function compareRounds(
  name: string,
  unit: string,
  ours: readonly number[],
  baseline: readonly number[],
  baselineName: string,
  target: string,
): BenchResult {
  const ratios = spreadOf(ours.map((o, i) => o / baseline[i]!));
  const result = compare(name, unit, spreadOf(ours).median, spreadOf(baseline).median, baselineName, target);
  const match = /^(>=|<=)\s*([\d.]+)/.exec(target);
  const bound = Number(match?.[2]);
  const pass = match ? (match[1] === '>=' ? ratios.median >= bound : ratios.median <= bound) : true;
  const oursSpread = spreadOf(ours);
  const baselineSpread = spreadOf(baseline);
  return {
    ...result,
    ratio: ratios.median,
    pass,
    ratioRange: [ratios.min, ratios.max],
    oursRange: [oursSpread.min, oursSpread.max],
    baselineRange: [baselineSpread.min, baselineSpread.max],
  };
}

/**
 * Builds a result from two single figures, computing the ratio and checking it against a target like
 * ">= 0.6" or "<= 1.5x". For figures that are not timings of rounds (sizes, error bounds); timings go
 * through `interleavedRounds` and `compareRounds`.
 */
export function compare(
  name: string,
  unit: string,
  ours: number,
  baseline: number,
  baselineName: string,
  target: string,
): BenchResult {
  const ratio = ours / baseline;
  const match = /^(>=|<=)\s*([\d.]+)/.exec(target);
  const bound = Number(match?.[2]);
  const pass = match ? (match[1] === '>=' ? ratio >= bound : ratio <= bound) : true;
  return { name, unit, ours, baseline, baselineName, ratio, target, pass };
}

/** Nanoseconds per call of `fn` in one timed loop of `iterations` calls: one round's measure. */
export function nsPerOpOnce(fn: (i: number) => void, iterations = 1_000_000): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Nanoseconds per call of `fn`: the median of `rounds` timed loops of `iterations` calls, after a warm-up. */
export function nsPerOp(fn: (i: number) => void, iterations = 1_000_000, rounds = 5): number {
  nsPerOpOnce(fn, Math.min(iterations, 100_000));
  return spreadOf(Array.from({ length: rounds }, () => nsPerOpOnce(fn, iterations))).median;
}

/** Items per second of one async run of `fn` that processes `items` items: one round's measure. */
export async function itemsPerSecond(items: number, fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return items / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Milliseconds of one async run of `fn`: one round's measure. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median milliseconds of `runs` async runs of `fn` (i = run number), after `warmup` untimed runs. */
export async function medianMs(fn: (i: number) => Promise<unknown>, runs = 20, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeMs(() => fn(i)));
  return spreadOf(times).median;
}
