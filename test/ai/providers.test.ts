import { expect } from 'chai';
import { pino, type Logger } from 'pino';
import { buildPrompt } from '../../src/ai/prompt.js';
import { AI_SERVICE_ERROR, AiProviderError, type AiProvider } from '../../src/ai/provider.js';
import { createProviders } from '../../src/ai/providers.js';
import { ServiceUnavailable } from '../../src/domain/errors.js';
import { FakeAiServer, type RecordedRequest } from '../support/fakeAiServer.js';

const USER_INPUT =
  'Jane Doe\nSoftware engineer with 5 years of experience in Python, Django and React. ' +
  'Worked at Acme Corp building scalable web applications. Led the migration to AWS and Docker. ' +
  'BSc in Computer Science from Stanford University. Email jane@example.com.';
const prompt = buildPrompt(USER_INPUT);

/** A pino logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), lines };
}

async function rejectionOf(promise: Promise<unknown>): Promise<AiProviderError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(AiProviderError);
    return err as AiProviderError;
  }
  throw new Error('expected the call to fail');
}

/** What differs between the two SDK-backed providers on the wire. */
const sdkProviders = [
  {
    name: 'google_gemini',
    keyVar: 'GOOGLE_GEMINI_API_KEY',
    model: 'gemini-2.0-flash',
    path: '/v1beta/models/gemini-2.0-flash:generateContent',
    sentKey: (r: RecordedRequest) => r.headers['x-goog-api-key'],
    expectPromptPlacement(body: unknown) {
      expect(body).to.have.nested.property('systemInstruction.parts[0].text', prompt.system);
      expect(body).to.have.nested.property('contents[0].role', 'user');
      expect(body).to.have.nested.property('contents[0].parts[0].text', prompt.user);
      expect(body).to.have.property('contents').with.lengthOf(1);
      expect(JSON.stringify(body)).not.to.include('abortSignal');
    },
  },
  {
    name: 'open_router',
    keyVar: 'OPENROUTER_API_KEY',
    model: 'deepseek/deepseek-chat',
    path: '/api/v1/chat/completions',
    sentKey: (r: RecordedRequest) => r.headers.authorization?.replace(/^Bearer /, ''),
    expectPromptPlacement(body: unknown) {
      expect(body).to.deep.include({
        model: 'deepseek/deepseek-chat',
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
      });
      expect(body).not.to.have.property('stream');
    },
  },
] as const;

describe('AI providers', () => {
  const fake = new FakeAiServer();
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => fake.reset());

  function providers(overrides: { timeoutMs?: number; env?: Record<string, string>; logger?: Logger } = {}) {
    return createProviders({
      geminiBaseUrl: fake.geminiBaseUrl,
      openRouterBaseUrl: fake.openAiBaseUrl,
      timeoutMs: overrides.timeoutMs ?? 5_000,
      retryDelayMs: 10,
      apiKeys: overrides.env ?? { GOOGLE_GEMINI_API_KEY: 'gemini-test-key', OPENROUTER_API_KEY: 'openrouter-test-key' },
      logger: overrides.logger ?? pino({ level: 'silent' }),
    });
  }

  for (const p of sdkProviders) {
    describe(`${p.name} through its SDK`, () => {
      const provider = (overrides?: Parameters<typeof providers>[0]): AiProvider => providers(overrides)[p.name];
      const generate = (overrides?: Parameters<typeof providers>[0]) =>
        provider(overrides).generate({ modelName: p.model, prompt });

      it('sends the system and user parts where the API expects them, with the key, and returns the text', async () => {
        fake.program({ text: '# Jane Doe\n\nGenerated.' });
        expect(await generate()).to.equal('# Jane Doe\n\nGenerated.');
        expect(fake.requests).to.have.lengthOf(1);
        const [request] = fake.requests;
        expect(request?.method).to.equal('POST');
        expect(request?.path).to.equal(p.path);
        expect(request && p.sentKey(request)).to.equal(p.keyVar === 'OPENROUTER_API_KEY' ? 'openrouter-test-key' : 'gemini-test-key');
        p.expectPromptPlacement(request?.body);
      });

      it('reads the key from the variable the model names', async () => {
        await provider({ env: { CUSTOM_API_KEY: 'custom-key' } }).generate({ modelName: p.model, prompt, apiKeyName: 'CUSTOM_API_KEY' });
        expect(fake.requests[0] && p.sentKey(fake.requests[0])).to.equal('custom-key');
      });

      it('retries once after a 500 and returns the second answer', async () => {
        fake.program({ fail: { status: 500, times: 1 }, text: 'second time lucky' });
        expect(await generate()).to.equal('second time lucky');
        expect(fake.requests).to.have.lengthOf(2);
      });

      it('fails with a 503-mapped AiProviderError after two 500s', async () => {
        fake.program({ fail: { status: 500, times: 2 } });
        const err = await rejectionOf(generate());
        expect(err.reason).to.equal('http 500');
        expect(err).to.be.instanceOf(ServiceUnavailable);
        expect(err.message).to.equal(AI_SERVICE_ERROR);
        expect(fake.requests).to.have.lengthOf(2);
      });

      it('times out a slow answer, retries once, then fails', async () => {
        fake.program({ delayMs: 2_000 });
        const err = await rejectionOf(generate({ timeoutMs: 150 }));
        expect(err.reason).to.match(/^timeout/);
        expect(fake.requests).to.have.lengthOf(2);
      });

      it('fails on a malformed answer without retrying', async () => {
        fake.program({ malformed: true });
        const err = await rejectionOf(generate());
        expect(err.reason).to.match(/^malformed answer/);
        expect(fake.requests).to.have.lengthOf(1);
      });

      for (const status of [400, 429]) {
        it(`does not retry a ${status}`, async () => {
          fake.program({ fail: { status, times: 1 } });
          const err = await rejectionOf(generate());
          expect(err.reason).to.equal(`http ${status}`);
          expect(fake.requests).to.have.lengthOf(1);
        });
      }

      it('stops at once, without a retry, when the caller cancels', async () => {
        fake.program({ hang: true });
        const err = await rejectionOf(
          provider().generate({ modelName: p.model, prompt, signal: AbortSignal.timeout(100) }),
        );
        expect(err.reason).to.equal('cancelled by the caller');
        expect(fake.requests).to.have.lengthOf(1);
      });

      it('never reads a variable that is not named like an API key (SECRET_KEY, DATABASE_URL)', async () => {
        for (const apiKeyName of ['SECRET_KEY', 'DATABASE_URL', 'custom_api_key']) {
          const err = await rejectionOf(provider({ env: { [apiKeyName]: 'server-secret' } }).generate({ modelName: p.model, prompt, apiKeyName }));
          expect(err.reason).to.equal('key variable not allowed');
        }
        expect(fake.requests).to.have.lengthOf(0);
      });

      it('fails without any request when its key is missing, and says which variable to set', async () => {
        const { logger, lines } = capturingLogger();
        const err = await rejectionOf(generate({ env: {}, logger }));
        expect(err.reason).to.equal(`missing key ${p.keyVar}`);
        expect(fake.requests).to.have.lengthOf(0);
        expect(lines.join('')).to.include(`set the environment variable ${p.keyVar}`);
      });
    });
  }

  it('open_router sends OpenRouter’s attribution headers and never OpenAI organisation headers', async () => {
    await providers().open_router.generate({ modelName: 'deepseek/deepseek-chat', prompt });
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers['x-title']).to.equal('ResuMate');
    expect(headers['x-openrouter-title']).to.equal('ResuMate');
    expect(headers).not.to.have.any.keys('openai-organization', 'openai-project');
  });

  describe('offline', () => {
    const generate = (userInput: string) =>
      providers({ env: {} }).offline.generate({ modelName: 'offline', prompt: buildPrompt(userInput) });

    it('lays out a resume from the user’s text, with placeholders for what is missing, and no network', async () => {
      const resume = await generate(USER_INPUT);
      for (const heading of ['# Jane Doe', '## Summary', '## Skills', '## Experience', '## Education']) {
        expect(resume).to.include(heading);
      }
      expect(resume).to.include('**Software Engineer**');
      expect(resume).to.include('jane@example.com · [Your Phone]');
      expect(resume).to.include('Software Engineer with 5+ years of experience in Python, Django and React.');
      expect(resume).to.include('- **Languages:** Python');
      expect(resume).to.include('- **Cloud & DevOps:** AWS, Docker');
      expect(resume).to.include('### Software Engineer — Acme Corp');
      expect(resume).to.include('- Led the migration to AWS and Docker.');
      expect(resume).to.include('**BSc in Computer Science from Stanford University**');
      expect(fake.requests).to.have.lengthOf(0);
    });

    it('uses placeholders when the text gives no facts', async () => {
      const resume = await generate('Looking for my next opportunity in a friendly team, happy to learn new things.');
      for (const placeholder of ['[Your Name]', '[Your Title]', '[Your Email]', '[Your Phone]', '[Company Name]', '[Degree]', '[University]', '- [Your key skills]']) {
        expect(resume).to.include(placeholder);
      }
    });

    it('gives the same resume for the same text', async () => {
      expect(await generate(USER_INPUT)).to.equal(await generate(USER_INPUT));
    });

    it('stays within a page for the longest input allowed', async () => {
      const resume = await generate(`${USER_INPUT} `.repeat(60).slice(0, 20_000));
      expect(resume.split(/\s+/).length).to.be.below(450);
    });
  });
});
