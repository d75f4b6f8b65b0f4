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
