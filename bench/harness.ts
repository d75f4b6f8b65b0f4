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

/** A result from per-round measures of ours and the baseline: median ratio with its range. */
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
  return { ...result, ratio: ratios.median, pass, ratioRange: [ratios.min, ratios.max] };
}

/** Builds a result, computing the ratio and checking it against a target like ">= 0.6" or "<= 1.5x". */
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

/** Nanoseconds per call of `fn`, best of `rounds` timed loops of `iterations` calls (after a warm-up). */
export function nsPerOp(fn: (i: number) => void, iterations = 1_000_000, rounds = 5): number {
  for (let i = 0; i < Math.min(iterations, 100_000); i++) fn(i);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

/** Items per second of one async run of `fn` that processes `items` items. */
export async function itemsPerSecond(items: number, fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return items / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Milliseconds of one async run, best of `rounds`. */
export async function bestMs(fn: () => Promise<unknown>, rounds = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

/** Median milliseconds of `runs` async runs of `fn` (i = run number), after `warmup` untimed runs. */
export async function medianMs(fn: (i: number) => Promise<unknown>, runs = 20, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const middle = times.length >> 1;
  return times.length % 2 ? times[middle]! : (times[middle - 1]! + times[middle]!) / 2;
}
