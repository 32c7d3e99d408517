/**
 * A request's `encrypt`, `sign` and `policy` (JSON fields or query parameters) as a pipeline
 * SendPolicy, with the config's values as defaults — the same meaning as the CLI's flags
 * (both go through the pipeline's policyFromChoices).
 */
import type { SealpostConfig } from '@sealpost/config';
import { policyFromChoices, type SendPolicy } from '@sealpost/pipeline';

export interface PolicyFields {
  readonly encrypt?: unknown;
  readonly sign?: unknown;
  readonly policy?: unknown;
}

export function requestPolicy(fields: PolicyFields, config: SealpostConfig): SendPolicy {
  return policyFromChoices(
    {
      encrypt: fields.encrypt ?? config.encrypt,
      sign: fields.sign ?? config.sign,
      policy: fields.policy ?? config.policy,
    },
    (choice) => `"${choice}"`,
  );
}
