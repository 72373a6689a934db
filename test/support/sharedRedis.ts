/**
 * The Redis every test shares: 127.0.0.1:6379 when it answers, or the one the test run started
 * on a free port (see globalSetup). Tests that need their own server (restart, outage) start it.
 */
export const SHARED_REDIS_URL = process.env.JCA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
