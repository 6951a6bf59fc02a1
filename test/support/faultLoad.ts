import { randomBytes } from 'node:crypto';

export interface Exchange {
  name: string;
  status: number;
  body: unknown;
  headers: Headers;
  startedAt: number;
  ms: number;
  /** What the request sent, for writes (the job title that identifies it). */
  tag?: string;
}

const NETWORK_ERROR = 0;

/** One JSON request; a refused or reset connection is status 0 (a failure, kept, never thrown). */
export async function exchange(name: string, url: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string>; timeoutMs?: number } = {}, tag?: string): Promise<Exchange> {
  const startedAt = performance.now();
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { name, status: response.status, body, headers: response.headers, startedAt, ms: performance.now() - startedAt, tag };
  } catch (err) {
    return { name, status: NETWORK_ERROR, body: String(err), headers: new Headers(), startedAt, ms: performance.now() - startedAt, tag };
  }
}

/** Registers a fresh user and returns its access token. */
export async function signUp(base: string, prefix = 'fault'): Promise<{ username: string; password: string; access: string }> {
  const username = `${prefix}_${randomBytes(5).toString('hex')}`;
  const password = 'Correct-Horse-42';
  const registered = await exchange('register', `${base}/api/auth/register/`, { method: 'POST', body: { username, email: `${username}@example.com`, password, password2: password } });
  // 503 here is "saved, not visible yet" (read models lagging on a busy machine): the login below waits for it.
  if (registered.status !== 201 && registered.status !== 503) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  let tokens = await exchange('token', `${base}/api/auth/token/`, { method: 'POST', body: { username, password } });
  for (let tries = 0; tokens.status === 401 && tries < 50; tries++) {
    await sleep(200);
    tokens = await exchange('token', `${base}/api/auth/token/`, { method: 'POST', body: { username, password } });
  }
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { username, password, access: (tokens.body as { access: string }).access };
}

/**
 * `workers` loops each sending `request(worker, i)` until `stop()` is called, or `maxPerWorker`
 * requests each, or `maxMs` passed: bounded in count and time. Every exchange is kept.
 */
export function startLoad(workers: number, request: (worker: number, i: number) => Promise<Exchange>, { maxPerWorker = 2000, maxMs = 120_000, pauseMs = 20 } = {}) {
  const seen: Exchange[] = [];
  let stopped = false;
  const deadline = performance.now() + maxMs;
  const done = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < maxPerWorker && !stopped && performance.now() < deadline; i++) {
        seen.push(await request(worker, i));
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  return {
    seen,
    async stop(): Promise<Exchange[]> {
      stopped = true;
      await done;
      return seen;
    },
  };
}

/** A unique job title: how a test finds one write again in the log and the read model. */
export const writeTag = (worker: number, i: number) => `Fault ${worker}-${i}-${randomBytes(3).toString('hex')}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
