import { defineCodes } from './entry.js';

/** Codes raised by the send-job queue (@sealpost/queue) and the worker built on it. */
export const QUEUE_CODES = defineCodes({
  EJOB_NOT_FOUND: {
    description: 'No job with that id is in the queue.',
    action: 'Check the job id (list the queue by state); sent jobs may have been cleaned up.',
    retry: 'permanent',
    category: 'usage',
  },
  EJOB_STATE: {
    description:
      'The job is not in a state that allows this (e.g. resending a job that is queued).',
    action: 'Only failed or ambiguous jobs can be resent; look at the job state first.',
    retry: 'permanent',
    category: 'usage',
  },
  EJOB_TOO_LARGE: {
    description: 'The message is larger than the queue accepts.',
    action:
      'Send a smaller message, or raise the queue limit (maxBodyBytes) where the store allows.',
    retry: 'permanent',
    category: 'input',
  },
  EJOB_LEASE: {
    description: 'The job lease was lost or already settled (another worker may own the job now).',
    action: 'Do not send the job further; the queue decides who sends it next.',
    retry: 'permanent',
    category: 'internal',
  },
  EQUEUE_CLOSED: {
    description: 'The queue is closed or shutting down and takes no more work.',
    action: 'Open the queue again (restart the worker) and retry.',
    retry: 'transient',
    category: 'internal',
  },
  EWORKER_TOKEN: {
    description:
      'The worker API needs a bearer token: none was configured, or the request did not carry a valid one.',
    action:
      'Set SEALPOST_WORKER_TOKEN or --token-file on the worker, and send "Authorization: Bearer TOKEN".',
    retry: 'permanent',
    category: 'usage',
  },
  EREQUEST: {
    description: 'The API request is malformed (not JSON, wrong field types, unknown route).',
    action: 'Fix the request as docs/worker.md describes; nothing was queued.',
    retry: 'permanent',
    category: 'input',
  },
});
