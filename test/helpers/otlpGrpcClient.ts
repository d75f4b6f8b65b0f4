import {
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';

const passThrough = (bytes: Buffer) => bytes;

export interface RawExportResult {
  response?: Buffer;
  error?: ServiceError;
}

/**
 * Calls `<service>/Export` with raw bytes, as any gRPC client would: for requests the OpenTelemetry
 * exporters never send (garbage, oversize, bad ids). `gzip` compresses the message (grpc-encoding gzip).
 */
export function rawExport(
  target: string,
  service: string,
  body: Uint8Array,
  options: { metadata?: Metadata; gzip?: boolean } = {},
): Promise<RawExportResult> {
  const Constructor = makeGenericClientConstructor(
    {
      Export: {
        path: `/${service}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    },
    service,
  );
  const client = new Constructor(target.replace(/^http:\/\//, ''), credentials.createInsecure(), {
    ...(options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
    // The test sends what the server must refuse: no client-side size limit in the way.
    'grpc.max_send_message_length': -1,
  }) as unknown as Client & {
    Export(
      body: Buffer,
      metadata: Metadata,
      callback: (error: ServiceError | null, response?: Buffer) => void,
    ): void;
  };
  return new Promise<RawExportResult>((resolve) => {
    const done = (error: ServiceError | null, response?: Buffer) => {
      client.close();
      resolve(error ? { error } : { response });
    };
    const buffer = Buffer.from(body);
    client.Export(buffer, options.metadata ?? new Metadata(), done);
  });
}
