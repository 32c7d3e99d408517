/** A queue JobInfo as the API shows it: `{ id, state, attempts: [{ at, code?, response? }], report }`. */
import type { JobInfo } from '@sealpost/queue';

export interface JobView {
  readonly id: string;
  readonly state: JobInfo['state'];
  readonly messageId: string;
  readonly envelope: JobInfo['envelope'];
  readonly createdAt: string;
  readonly nextAttemptAt?: string;
  readonly attempts: readonly {
    readonly at: string;
    readonly code?: string;
    readonly responseCode?: number;
    readonly response?: string;
    readonly dataSent?: boolean;
  }[];
  readonly result?: JobInfo['result'] extends infer R ? Omit<NonNullable<R>, 'report'> : never;
  readonly report: unknown;
}

export function jobView(job: JobInfo): JobView {
  return {
    id: job.id,
    state: job.state,
    messageId: job.messageId,
    envelope: job.envelope,
    createdAt: job.createdAt,
    ...(job.nextAttemptAt ? { nextAttemptAt: job.nextAttemptAt } : {}),
    attempts: job.attempts.map((a) => ({ ...a })),
    ...(job.result
      ? {
          result: {
            ...(job.result.responseCode !== undefined
              ? { responseCode: job.result.responseCode }
              : {}),
            ...(job.result.response !== undefined ? { response: job.result.response } : {}),
          },
        }
      : {}),
    report: job.report,
  };
}
