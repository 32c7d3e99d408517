import { PassThrough, Readable } from 'node:stream';
import { SealpostError } from '@sealpost/errors';
import type { Lease } from '@sealpost/queue';
import type { SendInput, Transport, TransportReport } from '@sealpost/transport';
import { describe, expect, it } from 'vitest';
import { deliverJob } from './deliver-job.js';

function fakeLease(
  events: string[],
  markFails = false,
  streams: Readable[] = [],
  open: () => Readable = () => Readable.from([Buffer.from('Subject: x\r\n\r\nbody\r\n')]),
): Lease {
  return {
    id: 'j1',
    envelope: { from: 'a@example.org', to: ['b@example.org'] },
    messageId: '<m@example.org>',
    report: undefined,
    attempt: 1,
    maxAttempts: 8,
    settled: false,
    size: 20,
    openRaw: () => {
      const stream = open();
      streams.push(stream);
      return stream;
    },
    markDataSent: async () => {
      events.push('mark');
      if (markFails) throw new Error('redis away');
    },
    complete: async () => {
      events.push('complete');
      return {} as never;
    },
    retry: async () => ({}) as never,
    fail: async () => ({}) as never,
    ambiguous: async () => ({}) as never,
    release: async () => ({}) as never,
  };
}

/** Reads the whole stream like the SMTP client does, then "sends the final dot". */
function fakeTransport(events: string[], failures: string[] = []): Transport {
  return {
    async send(input: SendInput) {
      const failure = failures.shift();
      if (failure) {
        (input.raw as Readable).destroy();
        throw new SealpostError(failure as 'ECONNLOST', 'lost');
      }
      events.push(`size ${input.size}`);
      for await (const _ of input.raw as Readable) events.push('chunk');
      events.push('final dot');
      return { transport: 'stub', response: '250 ok' } as unknown as TransportReport;
    },
    async close() {},
  };
}

describe('deliverJob', () => {
  it('declares the job’s size, marks it data-sent before the stream ends, then completes it', async () => {
    const events: string[] = [];
    await deliverJob(fakeTransport(events))(fakeLease(events));
    expect(events.indexOf('mark')).toBeLessThan(events.indexOf('final dot'));
    expect(events.filter((e) => e !== 'chunk')).toEqual([
      'size 20',
      'mark',
      'final dot',
      'complete',
    ]);
  });

  it('gives a job whose pooled session was closed while idle one fresh stream at once', async () => {
    const events: string[] = [];
    await deliverJob(fakeTransport(events, ['ECONNLOST']))(fakeLease(events));
    expect(events.filter((e) => e !== 'chunk')).toEqual([
      'size 20',
      'mark',
      'final dot',
      'complete',
    ]);
  });

  it('does not retry other failures itself', async () => {
    const events: string[] = [];
    await expect(
      deliverJob(fakeTransport(events, ['ETEMPFAIL']))(fakeLease(events)),
    ).rejects.toMatchObject({ code: 'ETEMPFAIL' });
    expect(events).toEqual([]);
  });

  it('turns a failed mark into a transient queue error: nothing was delivered', async () => {
    const events: string[] = [];
    await expect(deliverJob(fakeTransport(events))(fakeLease(events, true))).rejects.toMatchObject({
      code: 'EQUEUE_CLOSED',
    });
    expect(events).not.toContain('final dot');
  });

  it('closes the job’s stream when the transport refuses the message without reading it', async () => {
    const streams: Readable[] = [];
    const refusing: Transport = {
      async send(input: SendInput) {
        (input.raw as Readable).destroy();
        throw new SealpostError('ETOOBIG', 'too big');
      },
      async close() {},
    };
    // A store stream that has more to give (a large file, say): nothing but a close ends it.
    const store = () => {
      const stream = new PassThrough();
      stream.write('Subject: x\r\n\r\n');
      return stream;
    };
    await expect(deliverJob(refusing)(fakeLease([], false, streams, store))).rejects.toMatchObject({
      code: 'ETOOBIG',
    });
    await new Promise((r) => setImmediate(r));
    expect(streams).toHaveLength(1);
    expect(streams[0]!.destroyed).toBe(true);
  });
});
