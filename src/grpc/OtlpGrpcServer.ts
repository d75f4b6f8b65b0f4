import {
  status as GrpcStatus,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { ConfigError } from '../errors.js';
import { isBearerToken } from '../http/bearerAuth.js';
import { createLogger, type Logger } from '../logger.js';
import { type GrpcError, grpcErrorOf } from './grpcErrorOf.js';
import type { OtlpGrpcService } from './otlpGrpcServices.js';
import { retryInfoStatus } from './retryInfoStatus.js';

export interface OtlpGrpcServerOptions {
  /** The services to serve (see `otlpGrpcServices`). */
  services: readonly OtlpGrpcService[];
  /** Interface to listen on, e.g. `127.0.0.1`, `0.0.0.0` or `::1`. */
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /**
   * Largest request message in bytes, checked by gRPC both as received and after decompression
   * (RESOURCE_EXHAUSTED beyond, which exporters do not retry).
   */
  maxMessageBytes: number;
  /** Token every call must carry as `authorization: Bearer <token>` metadata. Default: none needed. */
  token?: string;
  /** Called with each call's handling, so a shutdown can wait for it. Default: none. */
  track?: (call: Promise<void>) => unknown;
  /** How long `close()` waits for calls in flight before cancelling them, ms. Default 800. */
  closeTimeoutMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

// Messages pass through as bytes: the OTLP decoders read them, so no proto loader is needed.
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const passThrough = (bytes: Buffer) => bytes;

function exportDefinition(service: OtlpGrpcService): ServiceDefinition {
  return {
    Export: {
      path: `/${service.name}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: asBuffer,
      responseDeserialize: passThrough,
    },
  };
}

/** The status sent to the client, with RetryInfo in `grpc-status-details-bin` when it may retry. */
function serviceError({ code, message, retryDelayMs }: GrpcError): Partial<ServiceError> {
  const metadata = new Metadata();
  if (retryDelayMs !== undefined) {
    metadata.set('grpc-status-details-bin', retryInfoStatus(code, message, retryDelayMs));
  }
  return { code, details: message, metadata };
}

function bindAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * OTLP/gRPC ingest (default port 4317): the unary `Export` of each OTLP collector service, with the
 * guarantees of OTLP/HTTP — answered once stored, partial success for refused items, gzip accepted,
 * the ingest token checked — and the status codes OTLP exporters act on (UNAVAILABLE with RetryInfo
 * when storage is away, INVALID_ARGUMENT for bad data, UNAUTHENTICATED without the token).
 */
export class OtlpGrpcServer {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    /** The port bound (the chosen one when 0 was asked). */
    readonly port: number,
    private readonly host: string,
    private readonly closeTimeoutMs: number,
  ) {}

  /** Binds and serves; rejects with a ConfigError naming the port and the option when it is taken. */
  static async start(options: OtlpGrpcServerOptions): Promise<OtlpGrpcServer> {
    const logger = options.logger ?? createLogger('silent');
    const server = new Server({
      'grpc.max_receive_message_length': options.maxMessageBytes,
    });
    for (const service of options.services) {
      const handler = (call: ServerUnaryCall<Buffer, Uint8Array>, callback: sendUnaryData<Uint8Array>) => {
        const handled = OtlpGrpcServer.handle(service, call, options.token).then(
          (response) => callback(null, response),
          (error: unknown) => {
            const status = grpcErrorOf(error);
            if (status.code === GrpcStatus.INTERNAL || status.code === GrpcStatus.UNAVAILABLE) {
              logger.warn('OTLP/gRPC export failed', { service: service.name, error });
            }
            callback(serviceError(status));
          },
        );
        options.track?.(handled);
      };
      server.addService(exportDefinition(service), { Export: handler });
    }
    const address = bindAddress(options.host, options.port);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => {
        if (!error) return resolve(bound);
        server.forceShutdown();
        const inUse = /EADDRINUSE|address already in use/i.test(`${error.message} ${String(error.cause)}`);
        reject(
          new ConfigError(
            inUse
              ? `OTLP/gRPC port ${options.port} on ${options.host} is already in use: set grpcPort ` +
                  '(PGTEL_GRPC_PORT, --grpc-port) to a free port, 0 for any free one, or off'
              : `OTLP/gRPC could not listen on ${address}: ${error.message} (option grpcPort, PGTEL_GRPC_PORT)`,
            { cause: error },
          ),
        );
      });
    });
    return new OtlpGrpcServer(server, port, options.host, options.closeTimeoutMs ?? 800);
  }

  private static async handle(
    service: OtlpGrpcService,
    call: ServerUnaryCall<Buffer, Uint8Array>,
    token: string | undefined,
  ): Promise<Uint8Array> {
    if (token !== undefined) {
      const header = call.metadata.get('authorization')[0];
      if (typeof header !== 'string' || !isBearerToken(header, token)) {
        throw Object.assign(new Error('missing or invalid bearer token (authorization metadata)'), {
          httpStatus: 401,
        });
      }
    }
    return service.export(call.request);
  }

  /** Target for gRPC clients and OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://127.0.0.1:4317`. */
  get url(): string {
    return `http://${bindAddress(this.host, this.port)}`;
  }

  /**
   * Stops accepting calls, lets those in flight finish for up to `closeTimeoutMs`, then cancels the
   * rest (clients see CANCELLED or UNAVAILABLE, both retried by exporters). Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, this.closeTimeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }
}
