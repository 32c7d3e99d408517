import { describe, expect, it } from 'vitest';
import { parseServer } from './submission-transport.js';

describe('parseServer', () => {
  it('reads HOST, HOST:PORT and [IPv6]:PORT', () => {
    expect(parseServer('smtp.example.org')).toEqual({ host: 'smtp.example.org' });
    expect(parseServer('smtp.example.org:465')).toEqual({ host: 'smtp.example.org', port: 465 });
    expect(parseServer('[::1]:2525')).toEqual({ host: '::1', port: 2525 });
  });

  it('refuses what is not a host and port', () => {
    for (const bad of [
      'smtp.example.org:0',
      'smtp.example.org:70000',
      'a b',
      'host:port',
      'a:1:2',
    ]) {
      expect(() => parseServer(bad), bad).toThrow(/--server|out of range/);
    }
  });
});
