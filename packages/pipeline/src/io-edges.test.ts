import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline does IO only at its documented edges (docs/architecture.md, "Where IO may
 * happen"): the spool of large messages, the attachment size check that decides it, and the
 * worker threads. Keys, files, sockets and settings reach it through the keystore and the
 * transport it is given.
 */
const IO_MODULES =
  /from 'node:(fs|fs\/promises|net|tls|dgram|dns|dns\/promises|http|https|child_process|worker_threads|os)'/;
const EDGES = [/^spool\//, /^large\//, /^workers\//, /^prepare-send\.ts$/];

describe('pipeline IO edges', () => {
  it('imports file, network, process and thread modules only in spool/, workers/ and prepare-send.ts', () => {
    const root = import.meta.dirname;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const name = relative(root, path);
          const source = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
          if (IO_MODULES.test(source) && !EDGES.some((edge) => edge.test(name)))
            offenders.push(name);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
