import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { errorsCommand } from './errors.js';
import { sendCommand } from './send.js';
import { sendmailCommand } from './sendmail.js';

/** Every sub-command, in the order `sealpost --help` lists them. */
export const COMMANDS: readonly Command[] = [
  sendCommand,
  sendmailCommand,
  demoCommand,
  errorsCommand,
];
