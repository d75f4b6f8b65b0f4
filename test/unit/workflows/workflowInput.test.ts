import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { generateCorrelationId } from '../../../src/tracing/generateCorrelationId.js';
import { parseCorrelationId, parseLabel, parseWorkflowId } from '../../../src/workflows/workflowInput.js';

describe('workflow input', () => {
  it('accepts trace-compatible correlation ids and lowers upper case', () => {
    const id = generateCorrelationId();
    expect(parseCorrelationId(id)).toBe(id);
    expect(parseCorrelationId(id.toUpperCase())).toBe(id);
  });

  it.each([
    '00000000000000000000000000000000',
    'abc',
    'g'.repeat(32),
    '0af7651916cd43dd8448eb211c80319c0',
    '0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b',
  ])('refuses correlation id %s', (id) => {
    expect(() => parseCorrelationId(id)).toThrow(ValidationError);
    expect(() => parseCorrelationId(id)).toThrow(/32 hex characters and not all zeros/);
  });

  it('accepts UUID workflow ids (canonical lower case) and refuses others', () => {
    expect(parseWorkflowId('0B8E4E8A-3F2C-4D6B-9A51-5C3D2E1F0A9B')).toBe(
      '0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b',
    );
    expect(() => parseWorkflowId('wf-1')).toThrow(/must be a UUID/);
    expect(() => parseWorkflowId(42)).toThrow(ValidationError);
  });

  it('refuses empty, NUL-bearing and overlong labels', () => {
    expect(parseLabel('Phase', 'load')).toBe('load');
    for (const bad of ['', '  ', 'a\0b', 'x'.repeat(201), 7])
      expect(() => parseLabel('Phase', bad)).toThrow(/Phase must be/);
  });
});
