import { createRequire } from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ConfigError } from '../errors.js';

/** Libraries `setupTracing` can instrument with OpenTelemetry's own Node instrumentations. */
export type AutoInstrumentation = 'http' | 'undici' | 'pg';

export const AUTO_INSTRUMENTATIONS: readonly AutoInstrumentation[] = ['http', 'undici', 'pg'];

// Modules to require again once hooks are in place, so copies loaded earlier (pgtel loads `pg`
// itself) get patched too.
const PATCHED_MODULES: Record<AutoInstrumentation, readonly string[]> = {
  http: ['http', 'https'],
  undici: [],
  pg: ['pg'],
};

async function create(name: AutoInstrumentation): Promise<Instrumentation> {
  switch (name) {
    case 'http':
      return new (await import('@opentelemetry/instrumentation-http')).HttpInstrumentation();
    case 'undici':
      return new (await import('@opentelemetry/instrumentation-undici')).UndiciInstrumentation();
    case 'pg':
      // Queries outside any span (background jobs) would be orphan traces: only trace them in one.
      return new (await import('@opentelemetry/instrumentation-pg')).PgInstrumentation({
        requireParentSpan: true,
      });
  }
}

/**
 * Enables the named instrumentations on `tracerProvider`; returns a function that disables them.
 * Throws ConfigError for an unknown name or a missing instrumentation package.
 */
export async function enableAutoInstrumentations(
  names: readonly AutoInstrumentation[],
  tracerProvider: TracerProvider,
): Promise<() => void> {
  const unknown = names.filter((n) => !AUTO_INSTRUMENTATIONS.includes(n));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Unknown instrumentations: ${unknown.join(', ')} (known: ${AUTO_INSTRUMENTATIONS.join(', ')}).`,
    );
  }
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const instrumentations = await Promise.all(
    names.map((name) =>
      create(name).catch((error: unknown) => {
        throw new ConfigError(
          `Instrumentation "${name}" needs @opentelemetry/instrumentation-${name}; install it or remove "${name}".`,
          { cause: error },
        );
      }),
    ),
  );
  const disable = registerInstrumentations({ instrumentations, tracerProvider });
  const require = createRequire(import.meta.url);
  for (const module of names.flatMap((n) => PATCHED_MODULES[n])) {
    try {
      require(module);
    } catch {
      // Not installed: nothing to patch.
    }
  }
  return disable;
}
