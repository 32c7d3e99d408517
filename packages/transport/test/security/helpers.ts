import { SealpostError } from '@sealpost/errors';
import { expect } from 'vitest';

export const timeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 3_000 };

export const envelope = { from: 'alice@example.test', to: ['bob@example.test'] };

export function message(subject: string): Uint8Array {
  return new TextEncoder().encode(
    `From: alice@example.test\r\nTo: bob@example.test\r\nSubject: ${subject}\r\n\r\nHello.\r\n`,
  );
}

/** Awaits a promise that must reject with a SealpostError, and returns that error. */
export async function failure(promise: Promise<unknown>): Promise<SealpostError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SealpostError);
  return err as SealpostError;
}
