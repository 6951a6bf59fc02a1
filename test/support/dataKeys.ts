/**
 * The key-encryption key of every process a test run starts (API, child API, admin CLI): they
 * share the run's database, so they must unwrap each other's data keys.
 */
export const TEST_DATA_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
