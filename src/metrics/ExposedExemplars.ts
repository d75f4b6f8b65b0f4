import type { Exemplar } from './ExemplarReservoir.js';

/**
 * The exemplar last exposed on each sample series (`name{labels}`) of a `/metrics` endpoint, so that
 * a series' exemplar never goes back in time from one scrape to the next: the reservoir may drop a
 * newer exemplar and keep an older maximum, which Prometheus refuses as out of order. One per endpoint.
 */
export class ExposedExemplars {
  private readonly last = new Map<string, Exemplar>();

  /** The exemplar to expose on `sample`: `candidate`, or the one exposed before when `candidate` is older. */
  choose(sample: string, candidate: Exemplar | undefined): Exemplar | undefined {
    if (candidate === undefined) return undefined;
    const previous = this.last.get(sample);
    if (previous !== undefined && candidate.time < previous.time) return previous;
    this.last.set(sample, candidate);
    return candidate;
  }
}
