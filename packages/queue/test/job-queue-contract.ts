/**
 * The contract every JobQueue adapter passes (docs/decisions/0080-job-queue.md): run by
 * spool-queue.test.ts and bullmq-queue.test.ts against their adapter. Backoff is shortened
 * by the harness (base 50 ms) so deferred jobs come due within a test.
 */
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { SealpostError } from '@sealpost/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consume, type EnqueueRequest, type JobQueue } from '../src/index.js';

export interface QueueHarness {
  readonly queue: JobQueue;
  /** A second queue object on the same store (another consumer, another process's view). */
  openAnother(): Promise<JobQueue>;
  /** Every byte the store holds (files, or a Redis snapshot), to grep. */
  storedBytes(): Promise<Buffer>;
  dispose(): Promise<void>;
}

export function job(overrides: Partial<EnqueueRequest> = {}): EnqueueRequest {
  const id = randomBytes(6).toString('hex');
  return {
    envelope: { from: 'alice@example.test', to: ['bob@example.test'] },
    raw: Buffer.from(
      `Message-ID: <${id}@example.test>\r\nSubject: protected\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n`,
    ),
    messageId: `<${id}@example.test>`,
    report: { recipients: [{ address: 'bob@example.test', protection: 'pgp-encrypted' }] },
    ...overrides,
  };
}

const tempFail = () =>
  new SealpostError('ETEMPFAIL', 'The server said try later.', {
    responseCode: 451,
    response: '451 4.3.0 Try again later',
  });
const permFail = () =>
  new SealpostError('EREJECTED', 'The server refused the message.', {
    responseCode: 554,
    response: '554 5.7.1 Message refused by policy',
  });
const lostAfterData = () =>
  new SealpostError('EAMBIGUOUS', 'The connection dropped after the final dot.');

async function claimOrThrow(queue: JobQueue, waitMs = 3_000) {
  const lease = await queue.claim({ waitMs });
  if (!lease) throw new Error('expected a job to claim');
  return lease;
}

export function describeJobQueueContract(name: string, makeHarness: () => Promise<QueueHarness>) {
  describe(`JobQueue contract: ${name}`, () => {
    let harness: QueueHarness;
    let queue: JobQueue;
    beforeEach(async () => {
      harness = await makeHarness();
      queue = harness.queue;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('enqueues a job as queued, lists and counts it by state', async () => {
      const request = job();
      const result = await queue.enqueue(request);
      expect(result).toMatchObject({ state: 'queued', created: true });
      const info = await queue.get(result.id);
      expect(info).toMatchObject({
        id: result.id,
        state: 'queued',
        envelope: request.envelope,
        messageId: request.messageId,
        report: request.report,
        attempts: [],
      });
      expect((await queue.list({ state: 'queued' })).map((j) => j.id)).toEqual([result.id]);
      expect(await queue.list({ state: 'sent' })).toEqual([]);
      expect(await queue.counts()).toEqual({
        queued: 1,
        sending: 0,
        sent: 0,
        deferred: 0,
        failed: 0,
        ambiguous: 0,
      });
      expect(await queue.get('no-such-job')).toBeUndefined();
    });

    it('refuses a job without recipients or Message-ID, storing nothing', async () => {
      await expect(
        queue.enqueue(job({ envelope: { from: 'alice@example.test', to: [] } })),
      ).rejects.toMatchObject({ code: 'EMESSAGE' });
      await expect(queue.enqueue(job({ messageId: '' }))).rejects.toMatchObject({
        code: 'EMESSAGE',
      });
      await expect(queue.enqueue(job({ maxAttempts: 0 }))).rejects.toMatchObject({
        code: 'ECONFIG',
      });
      expect(await queue.list()).toEqual([]);
    });

    it('streams a large body in and out unchanged', async () => {
      const body = randomBytes(3 * 1024 * 1024);
      const chunks = Array.from({ length: 48 }, (_, i) =>
        body.subarray(i * 65536, (i + 1) * 65536),
      );
      const { id } = await queue.enqueue(job({ raw: Readable.from(chunks) }));
      expect((await queue.get(id))?.size).toBe(body.length);
      const lease = await claimOrThrow(queue);
      expect(lease.id).toBe(id);
      expect((await buffer(lease.openRaw())).equals(body)).toBe(true);
      await lease.complete({ response: '250 ok' });
    });

    it('returns the same job for a repeated idempotency key, also when enqueued concurrently', async () => {
      const first = await queue.enqueue(job({ idempotencyKey: 'order-1' }));
      const again = await queue.enqueue(job({ idempotencyKey: 'order-1' }));
      expect(again).toEqual({ id: first.id, state: 'queued', created: false });
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => queue.enqueue(job({ idempotencyKey: 'order-2' }))),
      );
      expect(new Set(racing.map((r) => r.id)).size).toBe(1);
      expect(racing.filter((r) => r.created)).toHaveLength(1);
      expect((await queue.counts()).queued).toBe(2);
    });

    it('claims, keeps the Message-ID, and completes with the server reply', async () => {
      const request = job();
      const { id } = await queue.enqueue(request);
      const lease = await claimOrThrow(queue);
      expect(lease).toMatchObject({ id, messageId: request.messageId, attempt: 1 });
      expect(lease.envelope).toEqual(request.envelope);
      expect((await queue.get(id))?.state).toBe('sending');
      expect(await queue.claim()).toBeNull();
      await lease.markDataSent();
      const done = await lease.complete({ responseCode: 250, response: '250 2.0.0 queued as X' });
      expect(done.state).toBe('sent');
      const info = await queue.get(id);
      expect(info?.state).toBe('sent');
      expect(info?.attempts).toHaveLength(1);
      expect(info?.attempts[0]).toMatchObject({ responseCode: 250, dataSent: true });
      expect(info?.result?.response).toBe('250 2.0.0 queued as X');
      await expect(lease.complete()).rejects.toMatchObject({ code: 'EJOB_LEASE' });
    });

    it('defers a transient failure with backoff, then hands it out again', async () => {
      const { id } = await queue.enqueue(job({ maxAttempts: 3 }));
      const lease = await claimOrThrow(queue);
      const deferred = await lease.retry(tempFail());
      expect(deferred.state).toBe('deferred');
      expect(deferred.attempts[0]).toMatchObject({ code: 'ETEMPFAIL', responseCode: 451 });
      expect((await queue.counts()).deferred).toBe(1);
      const second = await claimOrThrow(queue, 5_000);
      expect(second.id).toBe(id);
      expect(second.attempt).toBe(2);
      await second.complete();
      expect((await queue.get(id))?.attempts).toHaveLength(2);
    });

    it('fails a transient failure once the attempts are used up', async () => {
      const { id } = await queue.enqueue(job({ maxAttempts: 2 }));
      await (await claimOrThrow(queue)).retry(tempFail());
      const last = await claimOrThrow(queue, 5_000);
      const failed = await last.retry(tempFail());
      expect(failed.state).toBe('failed');
      expect((await queue.get(id))?.attempts).toHaveLength(2);
      expect(await queue.claim({ waitMs: 300 })).toBeNull();
    });

    it('fails a permanent failure at once with the server reply', async () => {
      const { id } = await queue.enqueue(job({ maxAttempts: 5 }));
      const failed = await (await claimOrThrow(queue)).retry(permFail());
      expect(failed.state).toBe('failed');
      const info = await queue.get(id);
      expect(info?.state).toBe('failed');
      expect(info?.attempts).toEqual([
        expect.objectContaining({
          code: 'EREJECTED',
          responseCode: 554,
          response: '554 5.7.1 Message refused by policy',
        }),
      ]);
      expect((await queue.counts()).failed).toBe(1);
    });

    it('parks a job lost after the data was sent, and resends it only on request', async () => {
      const { id } = await queue.enqueue(job());
      const lease = await claimOrThrow(queue);
      await lease.markDataSent();
      const parked = await lease.retry(lostAfterData());
      expect(parked.state).toBe('ambiguous');
      expect((await queue.get(id))?.attempts[0]).toMatchObject({
        code: 'EAMBIGUOUS',
        dataSent: true,
      });
      expect(await queue.claim({ waitMs: 300 })).toBeNull();
      expect((await queue.list({ state: 'ambiguous' })).map((j) => j.id)).toEqual([id]);
      expect((await queue.counts()).ambiguous).toBe(1);
      const resent = await queue.resend(id);
      expect(resent.state).toBe('queued');
      const again = await claimOrThrow(queue);
      expect(again.id).toBe(id);
      expect(again.attempt).toBe(1);
      await again.complete();
      expect((await queue.get(id))?.attempts).toHaveLength(2);
    });

    it('resends a failed job; refuses to resend a queued or unknown one', async () => {
      const { id } = await queue.enqueue(job());
      await expect(queue.resend(id)).rejects.toMatchObject({ code: 'EJOB_STATE' });
      await expect(queue.resend('no-such-job')).rejects.toMatchObject({ code: 'EJOB_NOT_FOUND' });
      await (await claimOrThrow(queue)).fail(permFail());
      expect((await queue.resend(id)).state).toBe('queued');
      expect((await claimOrThrow(queue)).id).toBe(id);
    });

    it('prunes sent and failed jobs past the retention, keeps ambiguous and waiting ones', async () => {
      const settle = async (request: EnqueueRequest, how: 'sent' | 'failed' | 'ambiguous') => {
        const { id } = await queue.enqueue(request);
        const lease = await claimOrThrow(queue);
        expect(lease.id).toBe(id);
        if (how === 'sent') await lease.complete({ responseCode: 250, response: '250 OK' });
        else if (how === 'failed') await lease.fail(permFail());
        else {
          await lease.markDataSent();
          await lease.ambiguous(lostAfterData());
        }
        return id;
      };
      const sent = await settle(job({ idempotencyKey: 'retained-key' }), 'sent');
      const failedJob = job();
      const failed = await settle(failedJob, 'failed');
      const ambiguous = await settle(job(), 'ambiguous');
      const { id: waiting } = await queue.enqueue(job());
      const hour = 3_600_000;

      // Inside the retention: nothing goes.
      expect(await queue.prune({ olderThanMs: hour })).toBe(0);
      expect((await queue.get(sent))?.state).toBe('sent');
      expect((await queue.get(failed))?.state).toBe('failed');

      // Two hours later: the sent and the failed job are gone, with their idempotency key.
      const later = new Date(Date.now() + 2 * hour);
      expect(await queue.prune({ olderThanMs: hour, now: later })).toBe(2);
      expect(await queue.get(sent)).toBeUndefined();
      expect(await queue.get(failed)).toBeUndefined();
      expect((await queue.get(ambiguous))?.state).toBe('ambiguous');
      expect((await queue.get(waiting))?.state).toBe('queued');
      expect(await queue.counts()).toMatchObject({ sent: 0, failed: 0, ambiguous: 1, queued: 1 });
      const again = await queue.enqueue(job({ idempotencyKey: 'retained-key' }));
      expect(again.created).toBe(true);
      expect(await queue.prune({ olderThanMs: hour, now: later })).toBe(0);
      // Nothing of the pruned failed job is left in the store: record, body, key.
      expect((await harness.storedBytes()).includes(failedJob.messageId)).toBe(false);
      expect((await queue.resend(ambiguous)).state).toBe('queued');
    });

    it('release gives an untried job back; after the data-sent mark it parks it', async () => {
      const a = await queue.enqueue(job());
      const first = await claimOrThrow(queue);
      expect((await first.release()).state).toBe('queued');
      const info = await queue.get(a.id);
      expect(info?.state).toBe('queued');
      expect(info?.attempts).toEqual([]);
      const second = await claimOrThrow(queue);
      await second.markDataSent();
      expect((await second.release()).state).toBe('ambiguous');
    });

    it('never hands one job to two consumers', async () => {
      const other = await harness.openAnother();
      for (let i = 0; i < 20; i++) await queue.enqueue(job());
      const claimed: string[] = [];
      const drain = async (consumer: JobQueue) => {
        for (;;) {
          const lease = await consumer.claim({ waitMs: 200 });
          if (!lease) return;
          claimed.push(lease.id);
          await lease.complete();
        }
      };
      await Promise.all([drain(queue), drain(other), drain(queue), drain(other)]);
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed).size).toBe(20);
      expect((await queue.counts()).sent).toBe(20);
    });

    it('stores only what it is given: no plaintext, key or passphrase reaches the store', async () => {
      // The caller protects before enqueue (here: AES-256-GCM under a passphrase-derived
      // key, standing in for the pipeline's OpenPGP/S/MIME); the queue sees only the result.
      const plaintext = Buffer.from('PLAINTEXT-MARKER-7f3a body of the secret letter');
      const passphrase = 'PASSPHRASE-MARKER-91c2';
      const key = scryptSync(passphrase, 'salt', 32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      const protectedBytes = Buffer.from(
        `Subject: ...\r\n\r\n-----BEGIN MESSAGE----- CIPHERTEXT-MARKER-55d1\r\n${Buffer.concat([iv, sealed]).toString('base64')}\r\n`,
      );
      expect(protectedBytes.includes('PLAINTEXT-MARKER')).toBe(false);
      const { id } = await queue.enqueue(
        job({ raw: protectedBytes, report: { note: 'REPORT-MARKER-0b9e' } }),
      );
      await (await claimOrThrow(queue)).retry(tempFail());
      const stored = await harness.storedBytes();
      // Positive controls: what was given is there, so the grep can see.
      expect(stored.includes('CIPHERTEXT-MARKER-55d1')).toBe(true);
      expect(stored.includes('REPORT-MARKER-0b9e')).toBe(true);
      expect(stored.includes(id)).toBe(true);
      expect(stored.includes('PLAINTEXT-MARKER-7f3a')).toBe(false);
      expect(stored.includes('PASSPHRASE-MARKER-91c2')).toBe(false);
    });

    it('consume() runs handlers concurrently and settles what a handler threw on', async () => {
      const ok = await Promise.all([1, 2, 3, 4].map(() => queue.enqueue(job())));
      const bad = await queue.enqueue(job({ maxAttempts: 1 }));
      const controller = new AbortController();
      let inFlight = 0;
      let most = 0;
      const errors: unknown[] = [];
      const running = consume(
        queue,
        async (lease) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(30);
          inFlight--;
          if (lease.id === bad.id) throw permFail();
          await lease.complete();
        },
        {
          concurrency: 2,
          signal: controller.signal,
          idleWaitMs: 50,
          onError: (e) => errors.push(e),
        },
      );
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const counts = await queue.counts();
        if (counts.sent === 4 && counts.failed === 1) break;
        await sleep(20);
      }
      controller.abort();
      await running;
      expect(most).toBe(2);
      for (const { id } of ok) expect((await queue.get(id))?.state).toBe('sent');
      expect((await queue.get(bad.id))?.attempts[0]).toMatchObject({ code: 'EREJECTED' });
      expect(errors).toHaveLength(1);
    });

    it('consume() on shutdown releases a lease its handler left unsettled', async () => {
      const { id } = await queue.enqueue(job());
      const controller = new AbortController();
      const running = consume(
        queue,
        async (_lease, signal) => {
          controller.abort();
          expect(signal.aborted).toBe(true);
        },
        { signal: controller.signal, idleWaitMs: 50 },
      );
      await running;
      const info = await queue.get(id);
      expect(info?.state).toBe('queued');
      expect(info?.attempts).toEqual([]);
    });

    it('close() stops handing out jobs and releases what is in flight', async () => {
      const { id } = await queue.enqueue(job());
      await queue.enqueue(job());
      const lease = await claimOrThrow(queue);
      expect(lease.id).toBe(id);
      await queue.close({ timeoutMs: 200 });
      await expect(queue.enqueue(job())).rejects.toMatchObject({ code: 'EQUEUE_CLOSED' });
      expect(await queue.claim()).toBeNull();
      const other = await harness.openAnother();
      expect((await other.get(id))?.state).toBe('queued');
      await sleep(0);
    });
  });
}
