import { describe, expect, it } from 'vitest';
import { HostAllowList, type HostAllowListConfig, hostName } from '../../../src/http/HostAllowList.js';

const base: HostAllowListConfig = {
  host: '127.0.0.1',
  publicUrl: undefined,
  allowedHosts: [],
  apiToken: undefined,
  authScopes: ['api', 'ingest'],
};
const list = (overrides: Partial<HostAllowListConfig> = {}) => new HostAllowList({ ...base, ...overrides });

describe('HostAllowList', () => {
  it('reads the host name of Host headers and authorities', () => {
    expect(hostName('LocalHost:4318')).toBe('localhost');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('example.com.')).toBe('example.com');
  });

  it('answers loopback names, IP addresses, publicUrl and allowedHosts; refuses other names and no Host', () => {
    const hosts = list({ publicUrl: 'https://obs.example.com/pgtel', allowedHosts: ['pgtel.lan'] });
    for (const ok of [
      'localhost:1',
      '127.0.0.1',
      '[::1]:4318',
      '192.168.1.5:4318',
      'obs.example.com',
      'PGTEL.lan:80',
    ]) {
      expect(hosts.allows(ok), ok).toBe(true);
    }
    for (const bad of ['evil.example', 'localhost.evil.example', 'example.com', undefined, '']) {
      expect(hosts.allows(bad), String(bad)).toBe(false);
    }
    expect(list({ allowedHosts: ['*'] }).allows('anything.example')).toBe(true);
  });

  it('on a non-loopback interface answers any name only when the token guards the API', () => {
    expect(list({ host: '0.0.0.0' }).allows('pgtel.lan')).toBe(false);
    expect(list({ host: '0.0.0.0' }).startupHint()).toContain('allowedHosts');
    expect(list({ host: '0.0.0.0', apiToken: 't' }).allows('pgtel.lan')).toBe(true);
    expect(list({ host: '0.0.0.0', apiToken: 't', authScopes: ['ingest'] }).allows('pgtel.lan')).toBe(false);
    expect(list({ host: '0.0.0.0', apiToken: 't', allowedHosts: ['a.lan'] }).allows('pgtel.lan')).toBe(false);
    expect(list({ apiToken: 't' }).allows('pgtel.lan')).toBe(false);
    expect(list().startupHint()).toBeUndefined();
  });

  it('refuses cross-site state changes and accepts same-origin and tool requests', () => {
    const hosts = list({ allowedHosts: ['*', 'pgtel.lan'] });
    const refusal = (headers: Record<string, string>) =>
      hosts.crossSiteRefusal(new Request('http://localhost:4318/api/silences', { method: 'POST', headers }));
    expect(refusal({})).toBeUndefined();
    expect(refusal({ origin: 'http://localhost:4318' })).toBeUndefined();
    expect(refusal({ origin: 'https://pgtel.lan' })).toBeUndefined();
    expect(refusal({ 'sec-fetch-site': 'same-origin' })).toBeUndefined();
    expect(refusal({ 'sec-fetch-site': 'cross-site' })).toContain('Sec-Fetch-Site');
    // `*` answers any Host but never trusts any Origin.
    expect(refusal({ origin: 'https://evil.example' })).toContain('https://evil.example');
    expect(refusal({ origin: 'http://localhost:3000' })).toContain('refused');
    expect(refusal({ origin: 'null' })).toContain('refused');
  });
});
