import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One-shot start-up: the entry point must not pull in openpgp.js or pkijs. Only `import type`
 * may name the crypto packages at the top of a module; their code is loaded with
 * `await import()` where a key of that format is at hand (lazy-pgp / lazy-smime tests).
 */
describe('the keystore imports the crypto libraries lazily', () => {
  it('has no static value import of @sealpost/pgp, @sealpost/smime, openpgp, pkijs or asn1js', () => {
    const src = join(import.meta.dirname, '..', 'src');
    const offenders = readdirSync(src)
      .filter((name) => name.endsWith('.ts'))
      .filter((name) =>
        /^import (?!type )[^;]*from '(@sealpost\/(pgp|smime|compose)|openpgp|pkijs|asn1js)'/m.test(
          readFileSync(join(src, name), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
