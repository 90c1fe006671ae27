/**
 * Root hooks for every test file: an unhandled rejection anywhere fails the run, so no test can
 * leave one behind unnoticed.
 */
const seen: unknown[] = [];
const onRejection = (reason: unknown) => seen.push(reason);

export const mochaHooks = {
  beforeAll() {
    process.on('unhandledRejection', onRejection);
  },
  afterEach() {
    if (seen.length > 0) {
      const reasons = seen.splice(0).map(String).join('; ');
      throw new Error(`unhandled rejection(s) during the test: ${reasons}`);
    }
  },
  afterAll() {
    process.off('unhandledRejection', onRejection);
  },
};
