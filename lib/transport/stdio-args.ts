import { ValidationError } from '../errors.js';

import type { ConfigOverrides } from './process-options.js';

export type { ConfigOverrides };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

/** Renders a JavaScript value as a TOML value (strings, numbers, booleans, arrays, inline tables). */
export function toTomlValue(value: unknown, path = 'value'): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError('configOverrides', [{ path, message: 'must be a finite number' }]);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v, i) => toTomlValue(v, `${path}[${i}]`)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${toTomlValue(v, `${path}.${k}`)}`);
    return `{ ${parts.join(', ')} }`;
  }
  throw new ValidationError('configOverrides', [{ path, message: `cannot be expressed in TOML (${value === null ? 'null' : typeof value})` }]);
}

/** `--config key=value` pairs for the command line, validated. */
export function configArgs(overrides: ConfigOverrides | undefined): string[] {
  if (!overrides) return [];
  const pairs = Array.isArray(overrides)
    ? overrides.map((pair, i) => {
        if (typeof pair !== 'string' || !/^[^=\s]+=/.test(pair)) {
          throw new ValidationError('configOverrides', [{ path: `[${i}]`, message: 'must look like key=value' }]);
        }
        return pair;
      })
    : Object.entries(overrides as Record<string, unknown>).map(([k, v]) => `${k}=${toTomlValue(v, k)}`);
  return pairs.flatMap((pair) => ['--config', pair]);
}

/** The argv after the binary: overrides, then `app-server --listen stdio://`. */
export function appServerArgs(options: { configOverrides?: ConfigOverrides; launchArgsOverride?: readonly string[] }): string[] {
  if (options.launchArgsOverride) return [...options.launchArgsOverride];
  return [...configArgs(options.configOverrides), 'app-server', '--listen', 'stdio://'];
}
