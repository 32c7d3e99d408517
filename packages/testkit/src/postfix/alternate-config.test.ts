import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseAlternateDirectories,
  registerAlternateConfig,
  unregisterAlternateConfig,
} from './alternate-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sealpost-altcf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alternate_config_directories registration', () => {
  it('creates the file, keeps other settings, is idempotent and prunes vanished entries', async () => {
    const mainCf = join(dir, 'main.cf');
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    await registerAlternateConfig(a, mainCf);
    expect(parseAlternateDirectories(readFileSync(mainCf, 'utf8')).list).toEqual([a]);

    writeFileSync(
      mainCf,
      `# kept\nmyhostname = host.example\nalternate_config_directories = /gone/one, ${a}\n  /gone/two\nsmtpd_banner = x\n`,
    );
    await registerAlternateConfig(b, mainCf);
    await registerAlternateConfig(b, mainCf);
    const text = readFileSync(mainCf, 'utf8');
    expect(parseAlternateDirectories(text).list).toEqual([a, b]);
    expect(text).toContain('myhostname = host.example');
    expect(text).toContain('smtpd_banner = x');
    expect(text).toContain('# kept');

    await unregisterAlternateConfig(a, mainCf);
    expect(parseAlternateDirectories(readFileSync(mainCf, 'utf8')).list).toEqual([b]);
  });

  it('loses no entry when many instances register at the same time', async () => {
    const mainCf = join(dir, 'race.cf');
    const dirs = Array.from({ length: 12 }, (_, n) => join(dir, `race-${n}`));
    for (const d of dirs) mkdirSync(d);
    await Promise.all(dirs.map((d) => registerAlternateConfig(d, mainCf)));
    expect(parseAlternateDirectories(readFileSync(mainCf, 'utf8')).list.sort()).toEqual(
      dirs.sort(),
    );
  });
});
