/**
 * The client's `Jobs` table exactly as seed 000 describes it. Repair Relay never creates it in a
 * real client system: only the tests, the local host and the demo create it in a local database.
 */
export const CLIENT_JOBS_DDL = `CREATE TABLE Jobs (
  Job_id INT NOT NULL PRIMARY KEY,
  Job_type VARCHAR(255) NULL,
  Job_status VARCHAR(255) NULL,
  Client_firstname VARCHAR(255) NULL,
  Client_lastname VARCHAR(255) NULL,
  Client_postcode VARCHAR(255) NULL,
  Client_mobile VARCHAR(255) NULL,
  Product_id VARCHAR(255) NULL,
  Product_type VARCHAR(255) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
