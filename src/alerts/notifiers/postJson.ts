import { redact } from '../../redact.js';

/** A receiver answered with a status outside 2xx. */
export class DeliveryError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'DeliveryError';
    this.status = status;
  }

  /**
   * The receiver refused the request itself (a 4xx other than 408 timeout and 429 too many requests,
   * e.g. Alertmanager's 400 for an invalid alert): sending it again gives the same answer.
   */
  get permanent(): boolean {
    return (
      this.status !== undefined &&
      this.status >= 400 &&
      this.status < 500 &&
      ![408, 429].includes(this.status)
    );
  }
}

export interface PostJsonOptions {
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/** POSTs `body` as JSON; throws DeliveryError on a non-2xx answer (with a short, redacted body excerpt). */
export async function postJson(url: string, body: unknown, options: PostJsonOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    const reason = options.signal.aborted ? 'timed out or was cancelled' : (error as Error).message;
    throw new DeliveryError(redact(`POST ${new URL(url).origin} failed: ${reason}`));
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new DeliveryError(
      redact(`POST ${new URL(url).origin} answered ${response.status}: ${text.slice(0, 200)}`),
      response.status,
    );
  }
}
