import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from './metrics.js';

describe('WorkerMetrics', () => {
  it('renders Prometheus text with states, attempts, latency, TLS modes and the e2e share', () => {
    const m = new WorkerMetrics();
    m.sent(0.02, 'implicit-tls', true);
    m.sent(0.3, 'starttls', false);
    m.attempt('ETEMPFAIL');
    const text = m.render({ queued: 1, sending: 0, sent: 2, deferred: 0, failed: 0, ambiguous: 0 });
    expect(text).toContain('sealpost_jobs{state="queued"} 1');
    expect(text).toContain('sealpost_attempts_total{outcome="sent"} 2');
    expect(text).toContain('sealpost_attempts_total{outcome="ETEMPFAIL"} 1');
    expect(text).toContain('sealpost_send_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('sealpost_send_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('sealpost_sent_tls_total{mode="starttls"} 1');
    expect(text).toContain('sealpost_sent_end_to_end_ratio 0.5');
  });
});
