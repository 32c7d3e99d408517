import type { Command } from '../command.js';
import { decryptCommand } from './decrypt.js';
import { demoCommand } from './demo.js';
import { errorsCommand } from './errors.js';
import { inspectCommand } from './inspect.js';
import { probeCommand } from './probe.js';
import { verifyCommand } from './verify.js';

/** Every sub-command, in the order `sealpost --help` lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  probeCommand,
  inspectCommand,
  decryptCommand,
  verifyCommand,
  errorsCommand,
];
