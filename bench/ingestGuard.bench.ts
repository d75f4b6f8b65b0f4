// pgtel serve (a child process) under hostile OTLP load: two concurrent gzip requests of 1.2M
// minimal spans each (about 61 MB decompressed, 6.5 MB on the wire). Reports the server's peak RSS
// beside its idle RSS, and the slowest /livez answer while they run beside the slowest idle one.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { benchDatabaseUrl, dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import { type BenchResult, compare } from './harness.js';

const SPANS = 1_200_000;
const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/** Field tag and varint length prefix of a length-delimited protobuf field (lengths < 2^21). */
function lengthDelimited(field: number, body: Buffer): Buffer {
  const header: number[] = [(field << 3) | 2];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) {
      header.push(n);
      break;
    }
    header.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(header), body]);
}

/** An ExportTraceServiceRequest of `count` spans with ids, a one-letter name and times only. */
export function minimalSpansRequest(count: number): Buffer {
  const start = BigInt(Date.now()) * 1_000_000n;
  const spans = Buffer.alloc(count * 51);
  let o = 0;
  for (let i = 0; i < count; i++) {
    spans[o++] = 0x12; // ScopeSpans.spans, 49 bytes
    spans[o++] = 49;
    spans[o++] = 0x0a; // trace_id: a new trace every 1000 spans
    spans[o++] = 16;
    spans.writeUInt32BE(1, o + 4);
    spans.writeUInt32BE(Math.floor(i / 1000) + 1, o + 12);
    o += 16;
    spans[o++] = 0x12; // span_id
    spans[o++] = 8;
    spans.writeUInt32BE(i + 1, o + 4);
    o += 8;
    spans[o++] = 0x2a; // name
    spans[o++] = 1;
    spans[o++] = 0x73;
    spans[o++] = 0x39; // start_time_unix_nano (fixed64)
    spans.writeBigUInt64LE(start, o);
    o += 8;
    spans[o++] = 0x41; // end_time_unix_nano
    spans.writeBigUInt64LE(start + 1000n, o);
    o += 8;
  }
  return lengthDelimited(1, lengthDelimited(2, spans.subarray(0, o)));
}

/** Resident set size of a process now and at its peak (VmRSS, VmHWM), in MB. */
function rssOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function startServe(schema: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
    env: {
      ...process.env,
      PGTEL_DATABASE_URL: benchDatabaseUrl,
      PGTEL_SCHEMA: schema,
      PGTEL_LOG_LEVEL: 'error',
      PGTEL_JOB_INTERVAL_MS: '3600000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /pgtel serving on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`pgtel serve exited with ${code}: ${output}`)));
  });
}

/** Times /livez every 20 ms until `until` settles; the slowest answer, in ms. */
async function slowestProbe(url: string, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  let slowest = 0;
  do {
    const start = performance.now();
    await (await fetch(`${url}/livez`)).arrayBuffer();
    slowest = Math.max(slowest, performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (!done);
  return slowest;
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_ingest_guard');
  const { child, url } = await startServe(db.schema);
  try {
    const payload = minimalSpansRequest(SPANS);
    const body = gzipSync(payload);
    process.stderr.write(
      `  ${SPANS} spans: ${(payload.length / 1e6).toFixed(1)} MB decompressed, ${(body.length / 1e6).toFixed(1)} MB gzip\n`,
    );
    await slowestProbe(url, new Promise((r) => setTimeout(r, 300))); // warm-up: connection, JIT
    const idleProbe = await slowestProbe(url, new Promise((r) => setTimeout(r, 1000)));
    const idleRss = rssOf(child.pid!).now;
    const post = () =>
      fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
        body,
      }).then(async (r) => `${r.status} ${(await r.text()).slice(0, 120)}`);
    const started = performance.now();
    const requests = Promise.all([post(), post()]);
    const loadedProbe = await slowestProbe(url, requests);
    const answers = await requests;
    const elapsed = performance.now() - started;
    const peakRss = rssOf(child.pid!).peak;
    process.stderr.write(
      `  answers in ${Math.round(elapsed)} ms: ${answers.join(' | ')}\n  idle RSS ${idleRss.toFixed(0)} MB, peak RSS ${peakRss.toFixed(0)} MB; slowest /livez idle ${idleProbe.toFixed(1)} ms, under load ${loadedProbe.toFixed(1)} ms\n`,
    );
    return [
      compare(
        'peak RSS, 2 concurrent 61 MB-decompressed gzip OTLP requests',
        'MB',
        peakRss,
        idleRss,
        'idle RSS',
        '<= 6',
      ),
      compare(
        'slowest /livez, 2 concurrent 61 MB-decompressed gzip OTLP requests',
        'ms',
        loadedProbe,
        Math.max(idleProbe, 1),
        'slowest idle /livez',
        '<= 50',
      ),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await dropBenchDatabase(db);
  }
}
