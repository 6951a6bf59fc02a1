import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import pino from 'pino';
import { createKnex } from '../../src/db/knex.js';
import type { EventStore } from '../../src/eventstore/port.js';
import type { NewEvent } from '../../src/eventstore/port.js';
import { allProjections } from '../../src/projections/index.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { ProjectionRuntime } from '../../src/projections/runtime.js';
import { openTestEventStore } from '../support/eventStore.js';
import { testDatabaseUrl } from '../support/db.js';
import { startTestApi, type TestApi } from '../support/api.js';

/**
 * Finding 7 of "8. Bounded": the check that `resume_used` is the caller's resume reads the
 * resumes read model, so a DELETE of that resume can reach the log between the check and the
 * application's event. The read model must never reference a deleted resume, whatever the
 * order of the two events and however the log is cut into batches.
 */
describe('resume_used racing the deletion of that resume', function () {
  this.timeout(120_000);
  const at = '2026-12-03T10:00:00.000Z';
  const event = (type: string, data: Record<string, unknown>): NewEvent => ({ type, data: { ...data, at }, metadata: { at } });

  describe('the interleaving replayed', () => {
    let db: Knex;
    let store: EventStore;
    before(async () => {
      db = createKnex(testDatabaseUrl(), { max: 2 });
      store = await openTestEventStore(testDatabaseUrl());
    });
    after(async () => {
      await store.close();
      await db.destroy();
    });

    for (const maxBatchSize of [1, 100]) {
      it(`an application event naming a resume deleted before it stores no reference (batches of ${maxBatchSize}), live and rebuilt`, async () => {
        const userId = 800_000_000 + randomInt(1_000_000) * 10;
        const [resume, created, updated] = [userId + 1, userId + 2, userId + 3];
        const fields = (resumeUsed: number | null) => ({ job_title: 'j', company_name: 'c', original_job_description: '', resume_used: resumeUsed, date_applied: null, status: 'Applied', notes: '' });
        const runtime = new ProjectionRuntime({ db, store, connectionString: testDatabaseUrl(), projections: allProjections, logger: pino({ level: 'silent' }), runProjectors: true, maxBatchSize });
        await runtime.start();
        try {
          await store.append(`resume-${resume}`, [event('ResumeCreated', { id: resume, userId, username: 'u', title: 't', content: 'c', source: 'manual' })], { expectedRevision: 'no_stream' });
          await store.append(`jobApplication-${updated}`, [event('JobApplicationCreated', { id: updated, userId, fields: fields(null), isExample: false })], { expectedRevision: 'no_stream' });
          await runtime.catchUp(30_000);
          // The deletion lands first; both application events were decided before it.
          await store.append(`resume-${resume}`, [event('ResumeDeleted', { id: resume, userId })], { expectedRevision: 0n });
          await store.append(`jobApplication-${created}`, [event('JobApplicationCreated', { id: created, userId, fields: fields(resume), isExample: false })], { expectedRevision: 'no_stream' });
          await store.append(`jobApplication-${updated}`, [event('JobApplicationUpdated', { id: updated, userId, changes: { resume_used: resume } })], { expectedRevision: 0n });
          await runtime.catchUp(30_000);
        } finally {
          await runtime.stop();
        }
        const references = () => db('job_applications').select('id', 'resume_used').where({ user_id: userId }).orderBy('id');
        expect(await references()).to.deep.equal([
          { id: created, resume_used: null },
          { id: updated, resume_used: null },
        ]);
        await rebuildProjections({ db, store, connectionString: testDatabaseUrl() }, { projections: allProjections.filter((p) => p.name === 'job_applications') });
        expect(await references()).to.deep.equal([
          { id: created, resume_used: null },
          { id: updated, resume_used: null },
        ]);
      });
    }
  });

  describe('through the API', () => {
    let api: TestApi;
    before(async () => {
      api = await startTestApi();
    });
    after(() => api.stop());

    it('a PATCH of resume_used racing a DELETE of that resume never leaves a reference to it', async () => {
      const user = await api.newUser();
      const { body: application } = await user.post<{ id: number }>('/api/job-applications/', { job_title: 'j', company_name: 'c' });
      for (let trial = 0; trial < 15; trial++) {
        const { body: resume } = await user.post<{ id: number }>('/api/resumes/', { title: `r${trial}`, content: 'c' });
        const [patched, deleted] = await Promise.all([
          user.patch(`/api/job-applications/${application.id}/`, { resume_used: resume.id }),
          user.delete(`/api/resumes/${resume.id}/`),
        ]);
        expect(deleted.status).to.equal(204);
        expect([200, 400]).to.include(patched.status);
        const { body } = await user.get<{ resume_used: number | null }>(`/api/job-applications/${application.id}/`);
        expect(body.resume_used, `trial ${trial}`).to.equal(null);
      }
    });
  });
});
