import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text if it was not JSON. */
  body: unknown;
}

/** How the fake answers; `program()` sets it per test, `reset()` restores these defaults. */
export interface FakeBehaviour {
  /** The generated text of a successful answer. */
  text: string;
  /** Fail the next `times` requests with `status` (in the provider's error format), then answer. */
  fail: { status: number; times: number };
  /** Wait this long before answering (after the request was recorded). */
  delayMs: number;
  /** Answer 200 with a truncated JSON body. */
  malformed: boolean;
  /** Never answer. */
  hang: boolean;
}

const DEFAULTS: FakeBehaviour = {
  text: '# Jane Doe\n\n## Summary\n\nA resume from the fake AI server.',
  fail: { status: 500, times: 0 },
  delayMs: 0,
  malformed: false,
  hang: false,
};

const GEMINI_PATH = /^\/v1beta\/models\/([^/:]+):generateContent$/;
const CHAT_PATH = /\/chat\/completions$/;

/**
 * The Gemini API (`POST /v1beta/models/{model}:generateContent`, which @google/genai 2.x calls)
 * and OpenAI chat completions (`POST {base}/chat/completions`) on 127.0.0.1, so the real SDKs
 * can be tested without a network. Point Gemini at `geminiBaseUrl` and OpenAI/OpenRouter at
 * `openAiBaseUrl`.
 */
export class FakeAiServer {
  readonly requests: RecordedRequest[] = [];
  private behaviour: FakeBehaviour = structuredClone(DEFAULTS);
  private failuresLeft = 0;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));
  private readonly timers = new Set<NodeJS.Timeout>();

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    this.clearTimers();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.clearTimers();
    this.server.closeAllConnections();
    this.requests.length = 0;
    this.program({});
  }

  program(behaviour: Partial<FakeBehaviour>): void {
    this.behaviour = { ...structuredClone(DEFAULTS), ...behaviour };
    this.failuresLeft = this.behaviour.fail.times;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get geminiBaseUrl(): string {
    return this.url;
  }

  get openAiBaseUrl(): string {
    return `${this.url}/api/v1`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '';
    const body = parse(await readBody(req));
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const api = req.method !== 'POST' ? undefined : GEMINI_PATH.test(path) ? 'gemini' : CHAT_PATH.test(path) ? 'openai' : undefined;
    if (!api) return send(res, 404, errorBody('openai', 404, `No route for ${req.method} ${path}`));
    if (this.behaviour.hang) return;
    const respond = () => this.respond(api, res, body);
    if (this.behaviour.delayMs <= 0) return respond();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      respond();
    }, this.behaviour.delayMs);
    this.timers.add(timer);
  }

  private respond(api: 'gemini' | 'openai', res: ServerResponse, body: unknown): void {
    if (res.destroyed) return; // the client gave up (timeout) while we waited
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      const { status } = this.behaviour.fail;
      return send(res, status, errorBody(api, status, 'The fake server was told to fail.'));
    }
    if (this.behaviour.malformed) return send(res, 200, '{"candidates": [{"content": ');
    const model = api === 'gemini' ? 'gemini' : modelOf(body);
    send(res, 200, JSON.stringify(api === 'gemini' ? geminiAnswer(this.behaviour.text) : chatAnswer(model, this.behaviour.text)));
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function geminiAnswer(text: string) {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 },
    modelVersion: 'fake-gemini',
    responseId: 'fake-response-1',
  };
}

function chatAnswer(model: string, text: string) {
  return {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

/** Each API's own error shape (Google's `{error: {code, message, status}}`, OpenAI's `{error: {message, type, code}}`). */
function errorBody(api: 'gemini' | 'openai', status: number, message: string): string {
  if (api === 'gemini') {
    const statusName = status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return JSON.stringify({ error: { code: status, message, status: statusName } });
  }
  return JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: status } });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function modelOf(body: unknown): string {
  return typeof body === 'object' && body !== null && 'model' in body && typeof body.model === 'string' ? body.model : 'unknown';
}
