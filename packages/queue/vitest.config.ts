import { packageTestConfig } from '../../vitest.shared.ts';

export default packageTestConfig('queue', { testTimeout: 60_000 });
