import { expect } from 'chai';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { requireRedis } from '../support/redis.js';
import { Harness, type HostileRequest } from './harness.js';

/**
 * The hostile inputs worth naming one by one, each with the exact answer it must get. Every
 * request also goes through Harness.check: never a 5xx, a refusal in the error shape, no event.
 */
describe('hostile input (hand-written)', function () {
  this.timeout(60_000);
  const h = new Harness();
  before(async function () {
    await requireRedis(this);
    await h.start();
  });
  after(() => h.stop());
  afterEach(() => h.expectHealthy());

  const expectStatus = async (req: HostileRequest, status: number, code?: string) => {
    const response = await h.check(req, { okAllowed: status < 300 });
    expect(response.status, `${req.method} ${req.path}`).to.equal(status);
    if (code) expect((response.body as { code: string }).code).to.equal(code);
    return response;
  };
  const json = (value: unknown) => JSON.stringify(value);

  describe('bodies', () => {
    it('refuses a 10 MB body with 413 before reading it', async () => {
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title: 't', content: 'x'.repeat(10 * 1024 * 1024) }) }, 413, 'payload_too_large');
      await expectStatus({ method: 'POST', path: '/api/auth/token/', as: 'anonymous', body: 'x'.repeat(10 * 1024 * 1024), contentType: 'application/x-www-form-urlencoded' }, 413, 'payload_too_large');
    });

    it('answers nesting 100,000 deep with a 400, as a body and inside a field', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: deep }, 400);
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: `{"title":${deep},"content":"c"}` }, 400);
      // A choice field quotes the value it refuses: the quote must not overflow the stack.
      const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      await expectStatus({ method: 'POST', path: '/api/job-applications/', as: 'owner', body: `{"job_title":"j","company_name":"c","status":${deepObject}}` }, 400, 'invalid');
      await expectStatus({ method: 'POST', path: '/api/admin/ai-models/', as: 'staff', body: `{"display_name":"d","model_name":"m","api_provider":${deep}}` }, 400, 'invalid');
    });

    it('refuses bytes that are not UTF-8 with a 400 naming the first bad byte, as Python’s decoder does (issue 14, item 10)', async () => {
      const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
      const refusals: Array<[Buffer, string, HostileRequest['contentType']?]> = [
        [bytes('{"title":"', [0xff, 0xfe], '","content":"c"}'), "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 10: invalid start byte"],
        [bytes('{"title":"', [0xed, 0xa0, 0x80], '","content":"c"}'), "JSON parse error - 'utf-8' codec can't decode byte 0xed in position 10: invalid continuation byte"], // a surrogate
        [bytes('{"title":"', [0xc0, 0xaf], '","content":"c"}'), "JSON parse error - 'utf-8' codec can't decode byte 0xc0 in position 10: invalid start byte"], // overlong '/'
        [bytes('{"title":"t","content":"c"}', [0xe2, 0x82]), "JSON parse error - 'utf-8' codec can't decode bytes in position 27-28: unexpected end of data"],
        [bytes([0xff], '{"title":"t"}'), "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"], // before the JSON fails to parse
        [bytes('title=', [0xe9], 't&content=c'), "Form parse error - 'utf-8' codec can't decode byte 0xe9 in position 6: invalid continuation byte", 'application/x-www-form-urlencoded'],
      ];
      for (const [body, detail, contentType] of refusals) {
        const response = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body, ...(contentType ? { contentType } : {}) }, 400, 'parse_error');
        expect((response.body as { detail: string }).detail).to.equal(detail);
      }
      const gzipped = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: gzipSync(bytes('{"title":"', [0xff], '","content":"c"}')), headers: { 'content-encoding': 'gzip' } }, 400, 'parse_error');
      expect((gzipped.body as { detail: string }).detail).to.equal("JSON parse error - 'utf-8' codec can't decode byte 0xff in position 10: invalid start byte");
      const valid = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: gzipSync(json({ title: 'Zoë ✓ 👩‍💻', content: 'c' })), headers: { 'content-encoding': 'gzip' } }, 201);
      expect((valid.body as { title: string }).title).to.equal('Zoë ✓ 👩‍💻');
    });

    it('refuses bytes that are not UTF-8 in a chunked body (no Content-Length)', async () => {
      const parts = [Buffer.from('{"title":"ab'), Buffer.from([0xe2]), Buffer.from([0x28, 0xa1]), Buffer.from('","content":"c"}')];
      const body = Readable.toWeb(Readable.from(parts)) as ReadableStream<Uint8Array>;
      const headers = { authorization: `Bearer ${h.f.owner.access}`, 'content-type': 'application/json' };
      const response = await h.f.api.request('/api/resumes/', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
      expect(response.status).to.equal(400);
      expect((response.body as { detail: string }).detail).to.equal("JSON parse error - 'utf-8' codec can't decode byte 0xe2 in position 12: invalid continuation byte");
    });

    it('refuses a number too large for a float (1e400 became the text "Infinity") with a 400, wherever it is (issue 14, item 10)', async () => {
      for (const [body, shown] of [['{"title":1e400,"content":"c"}', 'Infinity'], ['{"title":"t","content":"c","extra":[{"n":-1e400}]}', '-Infinity']] as const) {
        const response = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body }, 400, 'parse_error');
        expect((response.body as { detail: string }).detail).to.equal(`JSON parse error - Out of range float values are not JSON compliant: '${shown}'`);
      }
      await expectStatus({ method: 'PATCH', path: '/api/job-applications/{application}/', as: 'owner', body: '{"resume_used":1e400}' }, 400, 'parse_error');
      const finite = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: '{"title":12.5,"content":"c"}' }, 201);
      expect((finite.body as { title: string }).title).to.equal('12.5');
    });

    it('refuses NUL and lone surrogates in every string field with DRF’s messages', async () => {
      const nul = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title: 'a\u0000b', content: 'c' }) }, 400, 'invalid');
      expect(nul.body).to.have.nested.property('field_errors.title[0]', 'Null characters are not allowed.');
      const surrogate = await expectStatus({ method: 'POST', path: '/api/auth/token/', as: 'anonymous', body: '{"username":"\\ud800","password":"x"}' }, 400, 'invalid');
      expect(surrogate.body).to.have.nested.property('field_errors.username[0]', 'Surrogate characters are not allowed: U+D800.');
    });

    it('keeps RTL overrides, emoji and NFD text as sent (valid but odd)', async () => {
      const title = '\u202eevil\u202c 👩‍👩‍👧‍👦 cafe\u0301';
      const response = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title, content: 'c' }) }, 201);
      expect((response.body as { title: string }).title).to.equal(title);
    });

    it('refuses __proto__ keys and ignores constructor.prototype: nothing is polluted, nobody becomes staff', async () => {
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: '{"__proto__":{"isStaff":true},"title":"t","content":"c"}' }, 400, 'parse_error');
      await expectStatus({ method: 'PATCH', path: '/api/resumes/{resume}/', as: 'owner', body: '{"constructor":{"prototype":{"isStaff":true}}}' }, 200);
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: '__proto__[isStaff]=1&constructor[prototype][isStaff]=1&title=t&content=c', contentType: 'application/x-www-form-urlencoded' }, 201);
      await expectStatus({ method: 'GET', path: '/api/admin/ai-models/', as: 'owner' }, 403, 'permission_denied');
      const me = await h.f.owner.get<{ is_staff: boolean }>('/api/auth/me/');
      expect(me.body.is_staff).to.equal(false);
    });

    it('drops read-only and unknown fields: no one can set the owner, the id or the deleted flag', async () => {
      const response = await expectStatus(
        { method: 'POST', path: '/api/job-applications/', as: 'stranger', body: json({ job_title: 'j', company_name: 'c', user: h.f.owner.id, id: h.f.applicationId, is_deleted: true, is_example: true }) },
        201,
      );
      const created = response.body as { id: number; user: number; is_deleted: boolean; is_example: boolean };
      expect(created).to.include({ user: h.f.stranger.id, is_deleted: false, is_example: false });
      expect(created.id).to.not.equal(h.f.applicationId);
    });

    it('stores SQL and JSON injection strings as plain text', async () => {
      const title = "'; DROP TABLE events; --";
      const content = '"},"is_staff":true,"x":{"';
      const response = await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title, content }) }, 201);
      expect(response.body).to.include({ title, content });
    });

    it('refuses a resume_used beyond every integer range, or not the caller’s, as an invalid pk', async () => {
      for (const resumeUsed of [1e300, '99999999999999999999999', -1, 2 ** 63]) {
        await expectStatus({ method: 'POST', path: '/api/job-applications/', as: 'owner', body: json({ job_title: 'j', company_name: 'c', resume_used: resumeUsed }) }, 400, 'invalid');
      }
      await expectStatus({ method: 'POST', path: '/api/job-applications/', as: 'stranger', body: json({ job_title: 'j', company_name: 'c', resume_used: h.f.resumeId }) }, 400, 'invalid');
    });
  });

  describe('paths', () => {
    const IDS = ['-1', '0', '1e3', '1.5', '0x1', '%201', '%D9%A1', '9'.repeat(30), '9007199254740993', '%00', '%ED%A0%80', "1'%20OR%20'1'='1"];
    it('answers every odd id on every resource path with 404', async () => {
      const routes: Array<[string, string[]]> = [
        ['/api/resumes/{id}/', ['GET', 'PUT', 'PATCH', 'DELETE']],
        ['/api/resumes/{id}/history/', ['GET']],
        ['/api/job-applications/{id}/', ['GET', 'PUT', 'PATCH', 'DELETE']],
        ['/api/job-applications/{id}/restore/', ['POST']],
        ['/api/job-applications/{id}/history/', ['GET']],
      ];
      for (const id of IDS) {
        for (const [path, methods] of routes) {
          for (const method of methods) {
            const body = method === 'GET' || method === 'DELETE' ? undefined : json({ title: 't', content: 'c', job_title: 'j', company_name: 'c' });
            await expectStatus({ method, path: path.replace('{id}', id), as: 'owner', body }, 404, 'not_found');
          }
        }
      }
    });

    it('answers an AI model name holding NUL with 404, not a database error', async () => {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        await expectStatus({ method, path: '/api/admin/ai-models/a%00b/', as: 'staff', body: method === 'PATCH' ? '{}' : undefined }, 404, 'not_found');
      }
    });
  });

  describe('query strings', () => {
    it('refuses bad limit/offset values with 400 naming the parameter', async () => {
      for (const query of ['limit=-1', 'limit=1001', 'limit=1e3', 'limit=1.5', 'limit=abc', 'offset=-5', 'offset=99999999999999999999', 'limit=%00']) {
        const response = await expectStatus({ method: 'GET', path: `/api/resumes/?${query}`, as: 'owner' }, 400, 'invalid');
        expect(Object.keys((response.body as { field_errors: object }).field_errors)).to.deep.equal([query.split('=')[0]]);
      }
    });

    it('pages past the end of the largest offset without failing', async () => {
      const response = await expectStatus({ method: 'GET', path: '/api/job-applications/?limit=1000&offset=9007199254740991', as: 'owner' }, 200);
      expect(response.body).to.include({ next: null }).and.have.property('results').that.deep.equals([]);
    });

    it('refuses ordering on unknown or injected fields', async () => {
      for (const ordering of ['password', 'user__password', 'id;DROP TABLE events', '(SELECT 1)', 'title desc', '--id', 'id,pg_sleep(1)']) {
        const response = await expectStatus({ method: 'GET', path: `/api/resumes/?ordering=${encodeURIComponent(ordering)}`, as: 'owner' }, 400, 'invalid');
        expect(response.body).to.have.nested.property('field_errors.ordering');
      }
    });

    it('refuses a NUL in search; an injected search only ever finds the caller’s rows', async () => {
      const nul = await expectStatus({ method: 'GET', path: '/api/resumes/?search=a%00b', as: 'owner' }, 400, 'invalid');
      expect(nul.body).to.have.nested.property('field_errors.search[0]', 'Null characters are not allowed.');
      for (const search of ["' OR '1'='1", '%', '_', '\\', "') OR 1=1 --"]) {
        const response = await expectStatus({ method: 'GET', path: `/api/resumes/?search=${encodeURIComponent(search)}`, as: 'stranger' }, 200);
        expect(response.body).to.deep.equal([]);
      }
    });

    it('takes the last of repeated parameters and ignores array syntax', async () => {
      const response = await expectStatus({ method: 'GET', path: '/api/job-applications/?limit=5&limit=1&ordering[]=x&status=Nope&status=Applied', as: 'owner' }, 200);
      expect(response.body).to.have.property('results').with.length(1);
    });
  });

  describe('headers and the HTTP layer', () => {
    it('answers headers over Node’s 16 KB limit with 431 in the error shape', async () => {
      await expectStatus({ method: 'GET', path: '/api/auth/me/', as: 'anonymous', headers: { authorization: `Bearer ${'x'.repeat(20_000)}` } }, 431, 'headers_too_large');
      await expectStatus({ method: 'GET', path: `/api/resumes/?search=${'a'.repeat(20_000)}`, as: 'owner' }, 431, 'headers_too_large');
    });

    it('answers a request Node cannot parse with 400 in the error shape', async () => {
      for (const head of ['GET /api/resumes/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 'GET /api/\x01 HTTP/1.1\r\nHost: x\r\n\r\n', 'NOT A REQUEST\r\n\r\n']) {
        const { status, body } = await rawExchange(h.f.api.url, head);
        expect(status, JSON.stringify(head)).to.equal(400);
        expect(JSON.parse(body)).to.deep.equal({ error: 'Malformed request.', code: 'parse_error', detail: 'Malformed request.' });
      }
    });

    it('answers odd Content-Types and Content-Encodings with 415, an empty one included', async () => {
      for (const contentType of ['text/plain', 'application/xml', 'application/vnd.api+json', '']) {
        await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title: 't', content: 'c' }), contentType }, 415, 'unsupported_media_type');
      }
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title: 't', content: 'c' }), headers: { 'content-encoding': 'gzip' } }, 400);
      await expectStatus({ method: 'POST', path: '/api/resumes/', as: 'owner', body: json({ title: 't', content: 'c' }), headers: { 'content-encoding': 'x-bogus' } }, 415, 'unsupported_media_type');
    });

    it('ignores a method override header', async () => {
      await expectStatus({ method: 'GET', path: '/api/resumes/{resume}/', as: 'stranger', headers: { 'x-http-method-override': 'DELETE' } }, 404);
      await expectStatus({ method: 'GET', path: '/api/resumes/{resume}/', as: 'owner', headers: { 'x-http-method-override': 'DELETE' } }, 200);
    });
  });
});

/** Writes raw bytes to the server and reads the status and body of its answer. */
function rawExchange(url: string, request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
  });
}
