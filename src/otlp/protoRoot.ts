import protobuf from 'protobufjs';
import { OTLP_PROTO_FILES } from './otlpProto.js';

const root = new protobuf.Root();
for (const file of OTLP_PROTO_FILES) protobuf.parse(file, root);
root.resolveAll();

/** Reflected OTLP message types (protobufjs), parsed once at import. */
export const otlpTypes = {
  ExportTraceServiceRequest: root.lookupType(
    'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  ),
  ExportTraceServiceResponse: root.lookupType(
    'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
  ),
  ExportMetricsServiceRequest: root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  ),
  ExportMetricsServiceResponse: root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  ),
  ExportLogsServiceRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
  ExportLogsServiceResponse: root.lookupType(
    'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
  ),
  Status: root.lookupType('google.rpc.Status'),
};
