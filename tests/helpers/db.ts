import { inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../db/scratch';

export type TestDatabase = ScratchDatabase;

/** A fresh, migrated database of its own for one test file. Call `close()` in afterAll. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const config = inject('testDatabase');
  if (!config) return createScratchDatabase({ prefix: 'af_test' });
  return createScratchDatabase({
    adminUrl: config.adminUrl,
    prefix: `af_test_${config.runId}`,
    template: config.template,
  });
}
