import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// The image's promises, read from the Dockerfile itself (no container daemon needed): multi-stage on
// Node 20 slim, non-root, read-only-root friendly (writes only to a volume), a health check on /livez.
const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('Dockerfile', root), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined (pure). */
function instructions(dockerfile: string): Instruction[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(text);
const stages = all.reduce<Instruction[][]>((acc, i) => {
  if (i.keyword === 'FROM') acc.push([]);
  acc.at(-1)?.push(i);
  return acc;
}, []);
const final = stages.at(-1)!;
const of = (keyword: string) => final.filter((i) => i.keyword === keyword).map((i) => i.args);
const envOfFinal = Object.fromEntries(
  of('ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);

describe('Dockerfile', () => {
  it('builds in one stage and runs from a Node 20 slim image in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:20[\w.-]*-slim\b/);
    expect(of('COPY').some((args) => args.startsWith('--from=build'))).toBe(true);
    // The runtime stage installs nothing and keeps no compiler or dev dependency.
    expect(of('RUN').join(' ')).not.toMatch(/npm (ci|install)|apt-get/);
  });

  it('runs as a non-root numeric user (what runAsNonRoot can verify)', () => {
    const [user] = of('USER');
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user!.split(':')[0])).toBeGreaterThan(0);
    const pod = parseAllDocuments(
      readFileSync(new URL('examples/kubernetes/pgtel-serve.yaml', root), 'utf8'),
    )[0]!.toJS().spec.template.spec;
    expect(pod.securityContext.runAsUser).toBe(Number(user!.split(':')[0]));
  });

  it('writes only to the data volume: embedded database and spool are under it', () => {
    const [volume] = of('VOLUME');
    const dir = (JSON.parse(volume!) as string[])[0]!;
    expect(envOfFinal.PGTEL_DATA_DIR?.startsWith(`${dir}/`)).toBe(true);
    expect(envOfFinal.PGTEL_SPOOL_DIR?.startsWith(`${dir}/`)).toBe(true);
  });

  it('listens on every interface at the exposed ports, and checks its health on /livez there', () => {
    expect(envOfFinal.PGTEL_HOST).toBe('0.0.0.0');
    expect(of('EXPOSE').join(' ').split(/\s+/).sort()).toEqual(
      [envOfFinal.PGTEL_PORT, envOfFinal.PGTEL_GRPC_PORT].sort(),
    );
    const [check] = of('HEALTHCHECK');
    expect(check).toMatch(/CMD \["node", "-e", ".*\/livez/);
    expect(check).toContain('process.env.PGTEL_PORT');
  });

  it('starts the CLI the package declares as its bin, serve by default', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      bin: { pgtel: string };
    };
    expect(JSON.parse(of('ENTRYPOINT')[0]!)).toEqual([
      'node',
      `/app/${manifest.bin.pgtel.replace(/^\.\//, '')}`,
    ]);
    expect(JSON.parse(of('CMD')[0]!)).toEqual(['serve']);
  });

  it('sends the build only what it copies: .dockerignore excludes everything else', () => {
    const ignore = readFileSync(new URL('.dockerignore', root), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const copied = stages[0]!
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied.filter((path) => !allowed.includes(path))).toEqual([]);
    for (const secret of ['node_modules', 'dist', '.pgtel', '.git', '.env'])
      expect(allowed).not.toContain(secret);
  });
});
