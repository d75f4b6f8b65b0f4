import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/testServer.js';

// One server answering loopback names and addresses plus one configured name.
const ctx = useTestServer({ allowedHosts: ['pgtel.example.internal'] });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real HTTP request with exactly these headers (Host included), as a browser or exporter sends it. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const { port } = new URL(ctx.server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SILENCE = JSON.stringify({
  matchers: [{ name: 'alertname', value: 'HostCheck' }],
  durationMs: 60_000,
  createdBy: 'alice',
});
const json = { 'content-type': 'application/json' };

describe('dashboard and API defend themselves in the browser', () => {
  it('answers 421 to a foreign Host on the dashboard and API, naming the host and the fix', async () => {
    for (const path of ['/', '/api/services', '/index.html']) {
      const answer = await send('GET', path, { host: 'attacker.example:4318' });
      expect(answer.status, path).toBe(421);
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'PGTEL_MISDIRECTED_REQUEST' });
      expect(answer.body).toContain('attacker.example');
      expect(answer.body).toContain('allowedHosts');
    }
    // A state change under a rebinding name is refused before it touches anything.
    const silence = await send('POST', '/api/silences', { host: 'attacker.example', ...json }, SILENCE);
    expect(silence.status).toBe(421);
    expect(JSON.parse((await send('GET', '/api/silences', { host: 'localhost' })).body).silences).toEqual([]);
  });

  it('answers loopback names and addresses on any port, IP addresses and the configured name', async () => {
    for (const host of [
      'localhost',
      'localhost:9999',
      '127.0.0.1:4318',
      '[::1]:80',
      '10.1.2.3:4318',
      'PGTEL.example.internal',
    ]) {
      const answer = await send('GET', '/api/services', { host });
      expect(answer.status, host).toBe(200);
    }
    expect((await send('GET', '/', { host: 'pgtel.example.internal:443' })).status).toBe(200);
  });

  it('sends a strict CSP and the other defence headers on the dashboard, its files and the API', async () => {
    for (const path of ['/', '/js/app.js', '/app.css', '/api/services', '/api/nope']) {
      const { headers, status } = await send('GET', path, { host: 'localhost' });
      expect(status, path).toBeLessThan(500);
      const csp = String(headers['content-security-policy']);
      expect(csp, path).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('refuses cross-site state changes with 403 naming why, and accepts same-origin ones', async () => {
    const own = { host: 'localhost:4318', ...json };
    for (const [why, headers] of [
      ['Sec-Fetch-Site', { ...own, 'sec-fetch-site': 'cross-site' }],
      ['Origin', { ...own, origin: 'https://attacker.example' }],
      ['Origin', { ...own, origin: 'http://localhost:3000' }],
      ['Origin', { ...own, origin: 'null' }],
    ] as const) {
      const answer = await send('POST', '/api/silences', headers, SILENCE);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('PGTEL_CROSS_SITE');
      expect(answer.body).toContain(why);
    }
    expect(JSON.parse((await send('GET', '/api/silences', { host: 'localhost' })).body).silences).toEqual([]);

    const sameOrigin = await send(
      'POST',
      '/api/silences',
      { ...own, origin: 'http://localhost:4318', 'sec-fetch-site': 'same-origin' },
      SILENCE,
    );
    expect(sameOrigin.status).toBe(201);
    // The configured name is an allowed origin; tools without Origin (curl, the CLI) are not browsers.
    const fromName = await send(
      'POST',
      '/api/silences',
      { ...own, origin: 'https://pgtel.example.internal' },
      SILENCE,
    );
    expect(fromName.status).toBe(201);
    expect((await send('POST', '/api/silences', own, SILENCE)).status).toBe(201);
    expect(
      JSON.parse((await send('GET', '/api/silences', { host: 'localhost' })).body).silences,
    ).toHaveLength(3);
  });

  it('answers OTLP ingest and probes under a service DNS name as Host', async () => {
    const host = 'pgtel.observability.svc.cluster.local:4318';
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4736';
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = { traceId, spanId: '00f067aa0ba902b7', name: 'in-cluster', kind: 1 };
    const payload = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc-dns' } }] },
          scopeSpans: [
            { spans: [{ ...span, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1000n) }] },
          ],
        },
      ],
    };
    const traces = await send('POST', '/v1/traces', { host, ...json }, JSON.stringify(payload));
    expect(traces.status).toBe(200);
    const stored = await send('GET', `/api/traces/${traceId}`, { host: 'localhost' });
    expect(stored.status).toBe(200);
    expect(stored.body).toContain('in-cluster');
    for (const path of ['/livez', '/readyz', '/metrics']) {
      expect((await send('GET', path, { host })).status, path).toBe(200);
    }
    expect((await send('GET', '/api/services', { host })).status).toBe(421);
  });
});
