import type { Clock } from '../../clock.js';
import type { PgtelConfig } from '../../config.js';
import type { Database } from '../../db/Database.js';
import type { HealthChecker } from '../../health/HealthChecker.js';
import type { Logger } from '../../logger.js';
import type { HealthChangeLog } from './HealthChangeLog.js';

/** What the JSON API needs from `pgtel serve`. */
export interface ApiDeps {
  db: Database;
  /** The server's checker: `/api/health` reports its probes and checks. */
  health: HealthChecker;
  /**
   * Last status change of each check and probe. Pass `changes.record` as the checker's
   * `onTransition`; without it `lastChange` is null.
   */
  healthChanges?: HealthChangeLog;
  config: Pick<PgtelConfig, 'queryTimeoutMs' | 'apiToken' | 'authScopes'>;
  /** Default: the system clock. Used for default time windows, acknowledgements and silences. */
  clock?: Clock;
  /** Where 5xx answers are logged with their cause (once per request). Default: none. */
  logger?: Logger;
}
