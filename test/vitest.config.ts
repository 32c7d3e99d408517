import { packageTestConfig } from '../vitest.shared.ts';

export default packageTestConfig('e2e', { include: ['**/*.test.ts'] });
