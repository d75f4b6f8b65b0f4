/** PromQL: parse, plan and evaluate queries over any SampleSource. */
export type * from './ast.js';
export {
  instantQuery,
  type QueryAnnotations,
  type QueryOptions,
  type QueryResult,
  rangeQuery,
} from './engine.js';
export { MemorySampleSource } from './MemorySampleSource.js';
export {
  type ParsePosition,
  PromQLError,
  type PromQLErrorKind,
  PromQLExecutionError,
  PromQLParseError,
  QueryAbortedError,
  QueryLimitError,
} from './PromQLError.js';
export { parsePromQL } from './parser.js';
export type * from './SampleSource.js';
