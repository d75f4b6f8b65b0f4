import { describe, expect, it } from 'vitest';
import { spawnServe } from '../../helpers/serveProcess.js';

describe('pgtel serve outside Kubernetes', () => {
  it('stops promptly on SIGTERM: no readiness delay by default', async () => {
    // Neither variable set: the default delay must be 0 (5000 only under Kubernetes).
    const serve = await spawnServe(
      [],
      {
        DATABASE_URL: '',
        PGTEL_DATABASE_URL: '',
        PGTEL_DATA_DIR: 'memory://',
        PGTEL_SHUTDOWN_DELAY_MS: undefined,
        KUBERNETES_SERVICE_HOST: undefined,
      },
      90_000,
    );
    expect((await fetch(`${serve.url}/readyz`)).status).toBe(200);
    const signalledAt = Date.now();
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    const elapsedMs = Date.now() - signalledAt;
    expect(code, serve.output()).toBe(0);
    // With the Kubernetes default the process would keep serving for 5 s before draining.
    expect(elapsedMs).toBeLessThan(3000);
  });
});
