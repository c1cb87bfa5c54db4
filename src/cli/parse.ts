/** Commander argument parsers: each rejects a bad value with a message naming what was expected. */
import { InvalidArgumentError } from 'commander';
import { parseShard, type ShardSpec } from '../harness/shard.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  }
  return n;
}

export function rate(value: string): number {
  const n = nonNegativeNumber(value);
  if (n > 1) throw new InvalidArgumentError(`expected a rate between 0 and 1, got "${value}"`);
  return n;
}

export function list(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError(`expected a comma-separated list, got "${value}"`);
  return items;
}

export function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError(`expected a port (0-65535), got "${value}"`);
  return n;
}

/** `--shard`: `I/N` (0-based) or `auto` (the scheduler's variables). */
export function shard(value: string): ShardSpec | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  try {
    return parseShard(value);
  } catch {
    throw new InvalidArgumentError(`expected I/N (0-based index, count; 0 ≤ I < N) or auto, got "${value}"`);
  }
}
