/**
 * Remembers, per submission host, the endpoint that worked, so the next send does not probe
 * again. In memory, and optionally in a small JSON file (no secrets: host, port, mode only).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProbeMode } from './probe.js';

export interface CachedSelection {
  /** The host actually connected to (an SRV target may differ from the domain asked for). */
  readonly host: string;
  readonly port: number;
  readonly mode: ProbeMode;
  /** ISO time the selection was verified. */
  readonly verifiedAt: string;
}

export interface SelectionCacheOptions {
  /** A JSON file to load from and save to. Default: memory only. */
  readonly file?: string;
  /** How long an entry is trusted. Default 7 days. */
  readonly maxAgeMs?: number;
}

export class SelectionCache {
  private readonly entries = new Map<string, CachedSelection>();
  private readonly maxAgeMs: number;

  constructor(private readonly options: SelectionCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 7 * 86_400_000;
    if (options.file) this.load(options.file);
  }

  get(host: string, now = Date.now()): CachedSelection | undefined {
    const entry = this.entries.get(host.toLowerCase());
    if (!entry) return undefined;
    if (now - Date.parse(entry.verifiedAt) > this.maxAgeMs) {
      this.delete(host);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: CachedSelection): void {
    this.entries.set(key.toLowerCase(), entry);
    this.save();
  }

  /** Forget a host, e.g. after its remembered port stopped answering. */
  delete(host: string): void {
    if (this.entries.delete(host.toLowerCase())) this.save();
  }

  private load(file: string): void {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return; // missing or unreadable: start empty, the file is only an optimisation
    }
    if (typeof data !== 'object' || data === null) return;
    for (const [host, value] of Object.entries(data as Record<string, unknown>)) {
      const v = value as Partial<CachedSelection>;
      if (
        typeof v.host === 'string' &&
        Number.isInteger(v.port) &&
        (v.mode === 'implicit-tls' || v.mode === 'starttls') &&
        typeof v.verifiedAt === 'string'
      ) {
        this.entries.set(host, {
          host: v.host,
          port: v.port!,
          mode: v.mode,
          verifiedAt: v.verifiedAt,
        });
      }
    }
  }

  private save(): void {
    const file = this.options.file;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(Object.fromEntries(this.entries), null, 2)}\n`, {
      mode: 0o600,
    });
    renameSync(tmp, file);
  }
}
