import type { z } from 'zod';
import { inputFor, maskedValue, variableAt, type Environment } from './configRegistry.js';
import { ADMIN_PREFIXES, configSchema } from './configSettings.js';

/**
 * The one place that reads `process.env` (test/security/processEnvOnlyInConfig.test.ts).
 * Each setting is declared once, in configSettings.ts.
 */

export type Config = z.output<typeof configSchema>;
export type StorageLimits = Config['storageLimits'];
export type { TrustProxy } from './configValues.js';
export { maskUrl } from './configRegistry.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/** Reads the environment once at start-up; throws ConfigError (one line, naming the variable) on the first problem. */
export function loadConfig(env: Environment = process.env): Config {
  const parsed = configSchema.safeParse(inputFor(configSchema, setOnly(env)));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(variableAt(configSchema, issue?.path ?? []) ?? 'environment', issue?.message ?? 'is invalid');
}

/** An empty value (`DEBUG=` in a compose file) means "not set", as it does for most twelve-factor apps. */
const setOnly = (env: Environment): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));

/** The admin commands' configuration: development defaults and warnings only, unless the environment says otherwise. */
export function loadCliConfig(): Config {
  return loadConfig({ DEBUG: 'True', LOG_LEVEL: 'warn', ...setOnly(process.env) });
}

/** Whether a start-up failure is printed with its stack trace: read on its own, since the configuration may be what failed. */
export function wantsStartupStackTrace(): boolean {
  return ['debug', 'trace'].includes(process.env.LOG_LEVEL?.trim().toLowerCase() ?? '');
}

export interface AdminVariables {
  username?: string;
  email?: string;
  password?: string;
}

/**
 * `users create-admin`'s defaults: ADMIN_* first, then DJANGO_SUPERUSER_*. The command owns them
 * from then on: they are removed from the environment, so neither the start-up bootstrap nor a
 * child process sees them.
 */
export function takeAdminVariables(): AdminVariables {
  const read = (field: string) => process.env[`${ADMIN_PREFIXES.alias}${field}`] ?? process.env[`${ADMIN_PREFIXES.django}${field}`];
  const taken = { username: read('USERNAME'), email: read('EMAIL'), password: read('PASSWORD') };
  for (const prefix of Object.values(ADMIN_PREFIXES)) {
    for (const field of ['USERNAME', 'EMAIL', 'PASSWORD']) delete process.env[`${prefix}${field}`];
  }
  return taken;
}

/** The environment a child process (initdb, postgres) inherits, with `extra` on top. */
export function childProcessEnv(extra: Environment): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** What the start-up log may show: every value a declaration marks secret is masked (configSettings.ts). */
export function describeConfig(config: Config): Record<keyof Config, unknown> {
  return maskedValue(configSchema, config) as Record<keyof Config, unknown>;
}
