import { expect } from 'chai';
import { startTestApi, uniqueName, type Response, type TestApi, type TestUser } from '../support/api.js';
import { expectApiError } from '../support/apiError.js';
import { openEventLog, type EventLog } from '../support/eventLog.js';

/** Who sends a request: the owner of the fixtures, a user who owns nothing, the configured admin, or nobody. */
export type Sender = 'owner' | 'stranger' | 'staff' | 'anonymous';

export interface HostileRequest {
  method: string;
  path: string;
  as: Sender;
  /** Sent as is (JSON text, form text or raw bytes). */
  body?: string | Uint8Array;
  /** Defaults to `application/json` when there is a body. */
  contentType?: string;
  headers?: Record<string, string>;
}

export const STAFF = { username: 'hostile_admin', email: 'hostile_admin@example.com', password: 'Hostile-Admin-Pass-42' };

export interface Fixtures {
  api: TestApi;
  owner: TestUser;
  stranger: TestUser;
  staffAccess: string;
  resumeId: number;
  applicationId: number;
  deletedApplicationId: number;
  /** An AI model the fuzzed PATCHes may change freely (the offline model stays as it is for the generate fuzz). */
  targetModel: string;
}

/**
 * A server with an owner who has a resume, an application and a soft-deleted application,
 * a stranger who owns nothing, and the admin; plus the events table to watch.
 */
export class Harness {
  private log: EventLog | undefined;
  private fixtures: Fixtures | undefined;
  private readonly pristinePrototype = Object.getOwnPropertyNames(Object.prototype).sort();

  get f(): Fixtures {
    if (!this.fixtures) throw new Error('harness not started');
    return this.fixtures;
  }

  async start(): Promise<void> {
    const api = await startTestApi({
      DJANGO_SUPERUSER_USERNAME: STAFF.username,
      DJANGO_SUPERUSER_EMAIL: STAFF.email,
      DJANGO_SUPERUSER_PASSWORD: STAFF.password,
    });
    this.log = openEventLog();
    const owner = await api.newUser();
    const stranger = await api.newUser();
    const staff = await api.post<{ access: string }>('/api/auth/token/', { username: STAFF.username, password: STAFF.password });
    const resume = await owner.post<{ id: number }>('/api/resumes/', { title: 'Owner resume', content: '# Owner' });
    const application = await owner.post<{ id: number }>('/api/job-applications/', { job_title: 'Engineer', company_name: 'Owner Corp', resume_used: resume.body.id });
    const deleted = await owner.post<{ id: number }>('/api/job-applications/', { job_title: 'Deleted', company_name: 'Gone Corp' });
    await owner.delete(`/api/job-applications/${deleted.body.id}/`);
    const targetModel = uniqueName('Fuzz Target');
    const model = await api.request(`/api/admin/ai-models/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staff.body.access}`, 'content-type': 'application/json' },
      body: JSON.stringify({ display_name: targetModel, model_name: 'offline', api_provider: 'offline' }),
    });
    expect(model.status, JSON.stringify(model.body)).to.equal(201);
    this.fixtures = {
      api,
      owner,
      stranger,
      staffAccess: staff.body.access,
      resumeId: resume.body.id,
      applicationId: application.body.id,
      deletedApplicationId: deleted.body.id,
      targetModel,
    };
  }

  async stop(): Promise<void> {
    await this.log?.close();
    await this.fixtures?.api.stop();
  }

  /** `{resume}`, `{application}` and `{deleted}` in a path become the owner's ids, `{model}` the target model's name. */
  expand(path: string): string {
    return path
      .replaceAll('{resume}', String(this.f.resumeId))
      .replaceAll('{application}', String(this.f.applicationId))
      .replaceAll('{deleted}', String(this.f.deletedApplicationId))
      .replaceAll('{model}', encodeURIComponent(this.f.targetModel));
  }

  send(req: HostileRequest): Promise<Response> {
    const token = { owner: this.f.owner.access, stranger: this.f.stranger.access, staff: this.f.staffAccess, anonymous: undefined }[req.as];
    const headers: Record<string, string> = {};
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    return this.f.api.request(this.expand(req.path), { method: req.method, headers: { ...headers, ...req.headers }, body: req.body });
  }

  /**
   * Sends the request and holds the server to the contract: never a 5xx; a refusal is a 4xx in
   * the API.md error shape and appends no event. A 2xx (valid but odd input) is returned for
   * the caller to judge, unless `okAllowed` is false.
   */
  async check(req: HostileRequest, { okAllowed = true }: { okAllowed?: boolean } = {}): Promise<Response> {
    const before = await this.log!.head();
    const response = await this.send(req);
    const where = describeRequest(req);
    expect(response.status, `${where} → ${JSON.stringify(response.body)?.slice(0, 300)}`).to.be.below(500);
    if (response.status >= 300 || !okAllowed) {
      expectApiError(response, where);
      expect(await this.log!.head(), `${where} appended an event`).to.deep.equal(before);
    }
    return response;
  }

  /** Live, ready, serving the owner's own data, and Object.prototype untouched. */
  async expectHealthy(): Promise<void> {
    const { api, owner, resumeId } = this.f;
    expect((await api.request('/healthz')).status).to.equal(200);
    const ready = await api.request('/readyz');
    expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
    const own = await owner.get<{ id: number }>(`/api/resumes/${resumeId}/`);
    expect(own.status).to.equal(200);
    expect(own.body.id).to.equal(resumeId);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(this.pristinePrototype);
    expect(({} as Record<string, unknown>).isStaff).to.equal(undefined);
  }
}

function describeRequest(req: HostileRequest): string {
  const body = req.body === undefined ? '' : typeof req.body === 'string' ? req.body : `<${req.body.length} bytes: ${Buffer.from(req.body.slice(0, 40)).toString('hex')}>`;
  return `${req.as} ${req.method} ${req.path.slice(0, 200)} ${req.contentType ?? ''} ${JSON.stringify(req.headers ?? {}).slice(0, 200)} ${body.slice(0, 300)}`;
}
