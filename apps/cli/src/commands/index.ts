import type { Command } from '../command.js';
import { certsCommand } from './certs.js';
import { configCommand } from './config.js';
import { decryptCommand } from './decrypt.js';
import { demoCommand } from './demo.js';
import { errorsCommand } from './errors.js';
import { inspectCommand } from './inspect.js';
import { keysCommand } from './keys.js';
import { probeCommand } from './probe.js';
import { sendCommand } from './send.js';
import { sendmailCommand } from './sendmail.js';
import { verifyCommand } from './verify.js';

/** Every sub-command, in the order `sealpost --help` lists them. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  sendmailCommand,
  probeCommand,
  keysCommand,
  certsCommand,
  inspectCommand,
  decryptCommand,
  verifyCommand,
  demoCommand,
  configCommand,
  errorsCommand,
];
