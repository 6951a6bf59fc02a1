/**
 * A realistic event log for bench/rebuild, written straight into `events` (going through the
 * commands would take far longer than the rebuild itself). Every event has the exact shape of
 * src/domain/<aggregate>/types.ts and follows its aggregate's rules (updates only to live
 * resumes and active applications, restores only of deleted ones, per-stream revisions), so
 * the projections accept it as if the API had written it. Deterministic for a given count.
 */
import pg from 'pg';
import type { AiModelEvent } from '../../src/domain/aiModel/index.js';
import type { AiQuotaEvent } from '../../src/domain/aiQuota/index.js';
import { JOB_APPLICATION_STATUSES, newJobApplicationFields, type JobApplicationEvent, type JobApplicationStatus } from '../../src/domain/jobApplication/index.js';
import type { ResumeEvent } from '../../src/domain/resume/index.js';
import type { UserEvent } from '../../src/domain/user/index.js';

type AnyEvent = UserEvent | ResumeEvent | JobApplicationEvent | AiModelEvent | AiQuotaEvent;

interface Row {
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  at: string;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Application {
  id: number;
  userId: number;
  status: JobApplicationStatus;
  deleted: boolean;
}

const TITLES = ['Senior Software Engineer', 'Data Analyst', 'Product Manager', 'DevOps Engineer', 'UX Designer'];
const COMPANIES = ['TechCorp Inc.', 'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
const MODELS = ['offline model', 'gemini flash', 'openrouter llama'];
const START_MS = Date.parse('2026-01-01T00:00:00Z');

/** Yields `count` events (a few more never: a two-event status change may end it one short). */
export function* generateEvents(count: number, users = Math.max(10, Math.min(10_000, Math.floor(count / 20)))): Generator<Row> {
  const rand = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const revisions = new Map<string, number>();
  const resumes: { id: number; userId: number }[] = [];
  const resumesOf = new Map<number, number[]>();
  const applications: Application[] = [];
  const deletedApplications: Application[] = [];
  let registered = 0;
  let resumeIds = 0;
  let applicationIds = 0;
  let produced = 0;
  const slots: { slot: string; model: string; day: string; stream: string }[] = [];

  function row(stream: string, event: AnyEvent, n: number): Row {
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const at = (event.data as { at: string }).at;
    return { stream, revision, type: event.type, data: JSON.stringify(event.data), metadata: JSON.stringify({ userId: n, requestId: 'bench', at }), at };
  }

  while (produced < count) {
    const at = new Date(START_MS + produced * 1000).toISOString();
    const day = at.slice(0, 10);
    const out: Row[] = [];
    const r = rand();
    if (produced === 0) {
      for (const [i, name] of MODELS.entries()) {
        const settings = { display_name: name, model_name: `model-${i}`, api_provider: 'offline' as const, api_key_name: '', is_active: true, login_required: i > 0, daily_limit: i === 0 ? null : 5, response_time_info: '', description: `${name} for the bench` };
        out.push(row(`aiModel-${name}`, { type: 'AiModelConfigured', data: { settings, at } }, 0));
      }
    } else if (registered < users && (registered < 10 || r < 0.03)) {
      const id = ++registered;
      out.push(row(`user-${id}`, { type: 'UserRegistered', data: { id, username: `user${id}`, email: `user${id}@example.com`, passwordHash: `$2b$04$bench${id}`, isStaff: id === 1, at } }, id));
    } else if (r < 0.001) {
      const name = pick(MODELS);
      out.push(row(`aiModel-${name}`, { type: 'AiModelUpdated', data: { displayName: name, changes: { description: `updated at ${at}` }, at } }, 1));
    } else if (r < 0.0012) {
      const id = 1 + Math.floor(rand() * registered);
      out.push(row(`user-${id}`, { type: 'UserPasswordChanged', data: { id, passwordHash: `$2b$04$changed${produced}`, at } }, id));
    } else if (r < 0.12) {
      const userId = 1 + Math.floor(rand() * registered);
      const id = ++resumeIds;
      resumes.push({ id, userId });
      const own = resumesOf.get(userId);
      if (own) own.push(id);
      else resumesOf.set(userId, [id]);
      const ai = rand() < 0.3;
      out.push(row(`resume-${id}`, { type: 'ResumeCreated', data: { id, userId, username: `user${userId}`, title: `Resume ${id}`, content: `# Resume ${id}\n\nExperience at ${pick(COMPANIES)}.`, source: ai ? 'ai' : 'manual', ...(ai ? { aiModel: pick(MODELS) } : {}), at } }, userId));
    } else if (r < 0.25 && resumes.length > 0) {
      const { id, userId } = pick(resumes);
      const changes = rand() < 0.5 ? { title: `Resume ${id} v${produced}` } : { content: `# Resume ${id}\n\nRevised ${at}.` };
      out.push(row(`resume-${id}`, { type: 'ResumeUpdated', data: { id, userId, changes, at } }, userId));
    } else if (r < 0.28 && resumes.length > 0) {
      const index = Math.floor(rand() * resumes.length);
      const { id, userId } = resumes[index]!;
      resumes[index] = resumes[resumes.length - 1]!;
      resumes.pop();
      resumesOf.set(userId, (resumesOf.get(userId) ?? []).filter((other) => other !== id));
      out.push(row(`resume-${id}`, { type: 'ResumeDeleted', data: { id, userId, at } }, userId));
    } else if (r < 0.53) {
      const userId = 1 + Math.floor(rand() * registered);
      const id = ++applicationIds;
      const own = resumesOf.get(userId) ?? [];
      const fields = newJobApplicationFields({
        job_title: pick(TITLES),
        company_name: pick(COMPANIES),
        original_job_description: rand() < 0.5 ? '' : 'Build and run services.',
        resume_used: own.length > 0 && rand() < 0.5 ? pick(own) : null,
        date_applied: rand() < 0.7 ? day : null,
      });
      applications.push({ id, userId, status: 'Applied', deleted: false });
      out.push(row(`jobApplication-${id}`, { type: 'JobApplicationCreated', data: { id, userId, fields, isExample: false, at } }, userId));
    } else if (r < 0.73 && applications.length > 0) {
      const { id, userId } = pick(applications);
      out.push(row(`jobApplication-${id}`, { type: 'JobApplicationUpdated', data: { id, userId, changes: { notes: `Called on ${at}` }, at } }, userId));
    } else if (r < 0.85 && applications.length > 0) {
      const app = pick(applications);
      const to = pick(JOB_APPLICATION_STATUSES.filter((s) => s !== app.status));
      const { id, userId } = app;
      out.push(row(`jobApplication-${id}`, { type: 'JobApplicationUpdated', data: { id, userId, changes: { status: to }, at } }, userId));
      out.push(row(`jobApplication-${id}`, { type: 'JobApplicationStatusChanged', data: { id, userId, from: app.status, to, at } }, userId));
      app.status = to;
    } else if (r < 0.88 && applications.length > 0) {
      const index = Math.floor(rand() * applications.length);
      const app = applications[index]!;
      applications[index] = applications[applications.length - 1]!;
      applications.pop();
      app.deleted = true;
      deletedApplications.push(app);
      out.push(row(`jobApplication-${app.id}`, { type: 'JobApplicationSoftDeleted', data: { id: app.id, userId: app.userId, at } }, app.userId));
    } else if (r < 0.895 && deletedApplications.length > 0) {
      const app = deletedApplications.pop()!;
      app.deleted = false;
      applications.push(app);
      out.push(row(`jobApplication-${app.id}`, { type: 'JobApplicationRestored', data: { id: app.id, userId: app.userId, at } }, app.userId));
    } else if (r < 0.98 || slots.length === 0) {
      const userId = 1 + Math.floor(rand() * registered);
      const model = pick(MODELS);
      const stream = `aiQuota-user-${userId}-${day}`;
      const slot = `slot-${produced}`;
      slots.push({ slot, model, day, stream });
      out.push(row(stream, { type: 'AiQuotaReserved', data: { slot, model, day, at } }, userId));
    } else {
      // Swap-remove: splicing out of the middle of a long array would make generation quadratic.
      const index = Math.floor(rand() * slots.length);
      const { slot, model, day: reservedOn, stream } = slots[index]!;
      slots[index] = slots[slots.length - 1]!;
      slots.pop();
      out.push(row(stream, { type: 'AiQuotaReleased', data: { slot, model, day: reservedOn, reason: 'provider_error', at } }, 0));
    }
    for (const event of out) {
      if (produced >= count) return;
      produced++;
      yield event;
    }
  }
}

const CHUNK = 10_000;

/** Writes the generated log in chunks of one multi-row INSERT (arrays unnested server-side). */
export async function writeEvents(connectionString: string, count: number, onProgress?: (written: number) => void): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    let chunk: Row[] = [];
    let written = 0;
    const flush = async () => {
      await client.query(
        `INSERT INTO events (stream_id, stream_revision, type, data, metadata, created_at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[])`,
        [chunk.map((e) => e.stream), chunk.map((e) => e.revision), chunk.map((e) => e.type), chunk.map((e) => e.data), chunk.map((e) => e.metadata), chunk.map((e) => e.at)],
      );
      written += chunk.length;
      chunk = [];
      onProgress?.(written);
    };
    for (const event of generateEvents(count)) {
      chunk.push(event);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    await client.end();
  }
}
