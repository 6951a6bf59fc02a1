import { jobApplicationsProjection } from '../../../src/projections/jobApplications.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const stored = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
const fields = (resumeUsed: number | null = null) =>
  ({ job_title: 'Dev', company_name: 'Acme', original_job_description: '', resume_used: resumeUsed, date_applied: '2026-01-02', status: 'Applied', notes: '' }) as const;
const created = (id: number, resumeUsed: number | null = null, s = 1) =>
  ({ type: 'JobApplicationCreated', data: { id, userId: 7, fields: fields(resumeUsed), isExample: false, at: at(s) } }) as const;
const updated = (id: number, changes: Record<string, unknown>, s: number) => ({ type: 'JobApplicationUpdated', data: { id, userId: 7, changes, at: at(s) } }) as const;
const resumeDeleted = (id: number, s: number) => ({ type: 'ResumeDeleted', data: { id, userId: 7, at: at(s) } }) as const;

describe('read model: job_applications', () => {
  const spec = readModelSpec(jobApplicationsProjection);

  it('a creation inserts the application with its fields, not deleted', () =>
    spec.when(created(1, 5)).then('job_applications', [
      { id: 1, user_id: 7, job_title: 'Dev', company_name: 'Acme', resume_used: 5, date_applied: '2026-01-02', status: 'Applied', is_deleted: false, is_example: false, created_at: stored(1), updated_at: stored(1) },
    ]));

  it('updates, soft deletion and restoration set their columns and updated_at; a status change event adds nothing', () =>
    spec
      .given(created(1))
      .when(
        updated(1, { status: 'Interviewing', notes: 'call' }, 2),
        { type: 'JobApplicationStatusChanged', data: { id: 1, userId: 7, from: 'Applied', to: 'Interviewing', at: at(2) } },
        { type: 'JobApplicationSoftDeleted', data: { id: 1, userId: 7, at: at(3) } },
        { type: 'JobApplicationRestored', data: { id: 1, userId: 7, at: at(4) } },
      )
      .then('job_applications', [{ id: 1, status: 'Interviewing', notes: 'call', is_deleted: false, updated_at: stored(4) }]));

  it('a deleted resume is cleared from every application that used it, leaving updated_at alone', () =>
    spec
      .given(created(1, 5), created(2, 6), created(3, 5))
      .when(resumeDeleted(5, 2))
      .then('job_applications', [
        { id: 1, resume_used: null, updated_at: stored(1) },
        { id: 2, resume_used: 6, updated_at: stored(1) },
        { id: 3, resume_used: null, updated_at: stored(1) },
      ]));

  it('an application event naming a resume deleted before it stores no reference', () =>
    spec
      .given(created(1), resumeDeleted(5, 2))
      .when(created(2, 5, 3), updated(1, { resume_used: 5 }, 4), updated(1, { notes: 'still' }, 5))
      .then('job_applications', [
        { id: 1, resume_used: null, notes: 'still', updated_at: stored(5) },
        { id: 2, resume_used: null, notes: '', updated_at: stored(3) },
      ]));

  it('remembers each deleted resume once', () =>
    spec.when(resumeDeleted(5, 1), resumeDeleted(5, 2), resumeDeleted(6, 3)).then('job_application_gone_resumes', [{ resume_id: 5 }, { resume_id: 6 }], 'resume_id'));

  it('a reference set after a clear of another resume is kept', () =>
    spec.given(created(1, 5)).when(resumeDeleted(5, 2), updated(1, { resume_used: 6 }, 3)).then('job_applications', [{ id: 1, resume_used: 6 }]));

  it('counts the applications each user keeps that are not soft-deleted, for the storage cap', () =>
    spec
      .given(created(1), created(2), created(3))
      .when(
        { type: 'JobApplicationSoftDeleted', data: { id: 1, userId: 7, at: at(2) } },
        { type: 'JobApplicationSoftDeleted', data: { id: 2, userId: 7, at: at(3) } },
        { type: 'JobApplicationRestored', data: { id: 1, userId: 7, at: at(4) } },
      )
      .then('job_application_owner_counts', [{ user_id: 7, active: 2 }], 'user_id'));
});
