import type { LedgerMigration } from './migration.js';

// A gateway failing for its own sake (credentials, not enabled, suspended: issue 21) is marked
// unhealthy for the channel until it takes a message again; a row exists only while it is.
export const gatewayHealth: LedgerMigration = {
  name: '014-gateway-health',
  steps: [
    `CREATE TABLE IF NOT EXISTS gateway_health (
      channel VARCHAR(16) NOT NULL,
      gateway VARCHAR(32) NOT NULL,
      error_code VARCHAR(32) NOT NULL,
      detail VARCHAR(255) NOT NULL,
      unhealthy_since DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (channel, gateway)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  ],
};
