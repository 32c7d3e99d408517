import type { Command } from '../command.js';
import { certsCommand } from './certs.js';
import { demoCommand } from './demo.js';
import { errorsCommand } from './errors.js';
import { keysCommand } from './keys.js';
import { sendCommand } from './send.js';
import { sendmailCommand } from './sendmail.js';

/** Every sub-command, in the order `sealpost --help` lists them. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  sendmailCommand,
  keysCommand,
  certsCommand,
  demoCommand,
  errorsCommand,
];
