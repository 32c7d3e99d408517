import type { Command } from '../command.js';
import { certsCommand } from './certs.js';
import { demoCommand } from './demo.js';
import { errorsCommand } from './errors.js';
import { keysCommand } from './keys.js';

/** Every sub-command, in the order `sealpost --help` lists them. */
export const COMMANDS: readonly Command[] = [demoCommand, keysCommand, certsCommand, errorsCommand];
