import { isIP } from 'node:net';
import type { PgtelConfig } from '../config.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The settings that decide which Host headers the dashboard and API answer to. */
export type HostAllowListConfig = Pick<
  PgtelConfig,
  'host' | 'publicUrl' | 'allowedHosts' | 'apiToken' | 'authScopes'
>;

/** The host name of a Host header or URL authority (`name[:port]`, `[v6][:port]`), lower case, no port. */
export function hostName(authority: string): string {
  const text = authority.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') === -1 ? undefined : text.indexOf(']'));
  const colon = text.indexOf(':');
  return (colon === -1 ? text : text.slice(0, colon)).replace(/\.$/, '');
}

/** True when `host` (the listen interface) only accepts connections from this machine. */
export function isLoopbackInterface(host: string): boolean {
  const name = hostName(host);
  return LOOPBACK_NAMES.has(name) || name.startsWith('127.');
}

/**
 * Which Host headers the dashboard and API answer to, against DNS rebinding: a page of a foreign
 * name re-pointed at this server sends that name as Host, so only names of this server are answered.
 * IP addresses are always answered: a rebinding page's origin is a name, never the server's address.
 */
export class HostAllowList {
  /** Any Host is answered (`allowedHosts: *`, or a token-guarded API on a non-loopback interface). */
  readonly any: boolean;
  /** Names answered besides loopback names and IP addresses, and the origins state changes may come from. */
  readonly names: ReadonlySet<string>;
  readonly #loopbackInterface: boolean;

  constructor(config: HostAllowListConfig) {
    this.#loopbackInterface = isLoopbackInterface(config.host);
    const names = config.allowedHosts.filter((name) => name !== '*').map(hostName);
    if (config.publicUrl) names.push(hostName(new URL(config.publicUrl).host));
    this.names = new Set(names);
    const configured = config.publicUrl !== undefined || config.allowedHosts.length > 0;
    // Reached by other machines under names pgtel cannot know: with the API behind a token, a
    // rebinding page cannot read or change anything, so any name is answered (least surprise).
    const tokenGuarded = config.apiToken !== undefined && config.authScopes.includes('api');
    this.any = config.allowedHosts.includes('*') || (!configured && tokenGuarded && !this.#loopbackInterface);
  }

  /** True when a request with this Host header may be answered; a missing Host is refused. */
  allows(hostHeader: string | undefined): boolean {
    if (this.any) return true;
    if (!hostHeader) return false;
    const name = hostName(hostHeader);
    return LOOPBACK_NAMES.has(name) || isIP(name) !== 0 || this.names.has(name);
  }

  /**
   * Why a state change from a browser page is refused, or undefined when it is not: the page must be
   * same-site and its Origin (when sent) this server's own origin or one of the configured names.
   * Loopback pages on other ports are not trusted: other local programs serve them.
   */
  crossSiteRefusal(request: Request): string | undefined {
    if (request.headers.get('sec-fetch-site') === 'cross-site') {
      return 'cross-site request refused (Sec-Fetch-Site: cross-site)';
    }
    const origin = request.headers.get('origin');
    if (origin === null) return undefined;
    let authority: string;
    try {
      authority = new URL(origin).host;
    } catch {
      return `request from Origin ${JSON.stringify(origin)} refused: not this server's origin`;
    }
    const own = request.headers.get('host') ?? new URL(request.url).host;
    if (authority.toLowerCase() === own.toLowerCase() || this.names.has(hostName(authority)))
      return undefined;
    return `request from Origin ${origin} refused: not this server's origin (add its host to allowedHosts)`;
  }

  /** A start-up hint when other machines can connect but only loopback names and addresses are answered. */
  startupHint(): string | undefined {
    if (this.any || this.names.size > 0 || this.#loopbackInterface) return undefined;
    return 'dashboard and API answer only loopback names and IP addresses as Host; set publicUrl or allowedHosts (PGTEL_ALLOWED_HOSTS) to reach them by name';
  }
}
