const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The traces and workflows a SQL rule's result row names: columns `trace_id` and `correlation_id`
 * holding 32 lowercase hex digits are traces, `workflow_id` holding a uuid is a workflow. Any other
 * value is ignored (a rule may name unrelated columns so). Pure.
 */
export function sqlResultLinks(labels: Readonly<Record<string, string>>): {
  traces: string[];
  workflows: string[];
} {
  const traces = [labels.trace_id, labels.correlation_id].filter(
    (v, i, all): v is string => v !== undefined && TRACE_ID.test(v) && all.indexOf(v) === i,
  );
  const workflow = labels.workflow_id;
  return { traces, workflows: workflow !== undefined && UUID.test(workflow) ? [workflow.toLowerCase()] : [] };
}
