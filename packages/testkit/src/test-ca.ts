/**
 * The tests' CA is the demo's throwaway CA (@sealpost/throwaway-ca), under the names the
 * tests use, plus one shared instance per test process: generating keys is the slow part of
 * most fixtures.
 */
import {
  type CaKeyType,
  generateCaKeyPair,
  type IssuedCertificate,
  type IssueOptions,
  ThrowawayCa,
} from '@sealpost/throwaway-ca';

export type { CaKeyType as TestKeyType, IssuedCertificate, IssueOptions };
export { generateCaKeyPair as generateTestKeyPair, ThrowawayCa as TestCa };

let shared: Promise<ThrowawayCa> | undefined;

/** One CA per test process. */
export function sharedTestCa(): Promise<ThrowawayCa> {
  shared ??= ThrowawayCa.create();
  return shared;
}
