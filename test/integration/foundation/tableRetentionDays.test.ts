import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors.js';
import { tableRetentionDays } from '../../../src/schema/tableRetentionDays.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

describe('tableRetentionDays', () => {
  it("reads each table's registered default, as the partition manager does", async () => {
    expect(await tableRetentionDays(ctx.db, 'spans')).toBe(30);
    expect(await tableRetentionDays(ctx.db, 'metrics')).toBe(90);
    expect(await tableRetentionDays(ctx.db, 'spans', { metrics: 7 })).toBe(30);
  });

  it('prefers the configured override', async () => {
    expect(await tableRetentionDays(ctx.db, 'spans', { spans: 14 })).toBe(14);
  });

  it('refuses a table that is not time-partitioned', async () => {
    await expect(tableRetentionDays(ctx.db, 'alerts')).rejects.toBeInstanceOf(NotFoundError);
  });
});
