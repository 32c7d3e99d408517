/**
 * The worker's Prometheus metrics (text exposition format 0.0.4): jobs by state from the
 * queue, and this process's attempts, send latency, TLS modes and end-to-end share.
 */
import { JOB_STATES, type JobState } from '@sealpost/queue';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class WorkerMetrics {
  readonly #attempts = new Map<string, number>();
  readonly #tlsModes = new Map<string, number>();
  readonly #buckets = BUCKETS.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;
  #sentEndToEnd = 0;
  #sentTotal = 0;

  /** One attempt ended: "sent", or the error code it failed with. */
  attempt(outcome: string): void {
    this.#attempts.set(outcome, (this.#attempts.get(outcome) ?? 0) + 1);
  }

  sent(seconds: number, tlsMode: string, endToEnd: boolean): void {
    this.attempt('sent');
    this.#tlsModes.set(tlsMode, (this.#tlsModes.get(tlsMode) ?? 0) + 1);
    this.#latencyCount += 1;
    this.#latencySum += seconds;
    for (const [i, le] of BUCKETS.entries()) if (seconds <= le) this.#buckets[i]! += 1;
    this.#sentTotal += 1;
    if (endToEnd) this.#sentEndToEnd += 1;
  }

  render(counts: Record<JobState, number> | undefined): string {
    const lines: string[] = [];
    if (counts) {
      lines.push('# HELP sealpost_jobs Jobs in the queue by state.', '# TYPE sealpost_jobs gauge');
      for (const state of JOB_STATES)
        lines.push(`sealpost_jobs{state="${state}"} ${counts[state]}`);
    }
    lines.push(
      '# HELP sealpost_attempts_total Delivery attempts of this process by outcome.',
      '# TYPE sealpost_attempts_total counter',
    );
    for (const [outcome, n] of this.#attempts)
      lines.push(`sealpost_attempts_total{outcome="${label(outcome)}"} ${n}`);
    lines.push(
      '# HELP sealpost_send_seconds Time from claim to the server accepting the message.',
      '# TYPE sealpost_send_seconds histogram',
    );
    for (const [i, le] of BUCKETS.entries())
      lines.push(`sealpost_send_seconds_bucket{le="${le}"} ${this.#buckets[i]}`);
    lines.push(
      `sealpost_send_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `sealpost_send_seconds_sum ${this.#latencySum}`,
      `sealpost_send_seconds_count ${this.#latencyCount}`,
      '# HELP sealpost_sent_tls_total Messages sent by this process, by TLS mode of the submission link.',
      '# TYPE sealpost_sent_tls_total counter',
    );
    for (const [mode, n] of this.#tlsModes)
      lines.push(`sealpost_sent_tls_total{mode="${label(mode)}"} ${n}`);
    lines.push(
      '# HELP sealpost_sent_end_to_end_ratio Share of messages sent by this process that were end-to-end encrypted.',
      '# TYPE sealpost_sent_end_to_end_ratio gauge',
      `sealpost_sent_end_to_end_ratio ${this.#sentTotal === 0 ? 0 : this.#sentEndToEnd / this.#sentTotal}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

/** Label values are our own codes and modes; escaped anyway (exposition format rules). */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
