import { jobApplicationEventsProjection } from '../../../src/projections/jobApplicationEvents.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const stored = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
const fields = { job_title: 'Dev', company_name: 'Acme', original_job_description: '', resume_used: null, date_applied: null, status: 'Applied', notes: '' } as const;

describe('read model: job_application_events', () => {
  const spec = readModelSpec(jobApplicationEventsProjection);

  it('keeps one row per event of an application, with what it changed in API field names', () =>
    spec
      .when(
        { type: 'JobApplicationCreated', data: { id: 1, userId: 7, fields, isExample: false, at: at(1) } },
        { type: 'JobApplicationUpdated', data: { id: 1, userId: 7, changes: { status: 'Offer' }, at: at(2) } },
        { type: 'JobApplicationStatusChanged', data: { id: 1, userId: 7, from: 'Applied', to: 'Offer', at: at(2) } },
        { type: 'JobApplicationSoftDeleted', data: { id: 1, userId: 7, at: at(3) } },
        { type: 'JobApplicationRestored', data: { id: 1, userId: 7, at: at(4) } },
      )
      .then(
        'job_application_events',
        [
          { position: 'spec000000', application_id: 1, user_id: 7, type: 'JobApplicationCreated', at: stored(1), changes: { ...fields, is_example: false } },
          { position: 'spec000001', application_id: 1, user_id: 7, type: 'JobApplicationUpdated', at: stored(2), changes: { status: 'Offer' } },
          { position: 'spec000002', application_id: 1, user_id: 7, type: 'JobApplicationStatusChanged', at: stored(2), changes: { from: 'Applied', to: 'Offer' } },
          { position: 'spec000003', application_id: 1, user_id: 7, type: 'JobApplicationSoftDeleted', at: stored(3), changes: { is_deleted: true } },
          { position: 'spec000004', application_id: 1, user_id: 7, type: 'JobApplicationRestored', at: stored(4), changes: { is_deleted: false } },
        ],
        'position',
      ));
});
