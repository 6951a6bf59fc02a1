import { expect } from 'chai';
import { Conflict, NotFound } from '../../src/domain/errors.js';
import {
  jobApplicationDecider,
  jobApplicationStream,
  newJobApplicationFields,
  type JobApplicationCommand,
  type JobApplicationEvent,
  type JobApplicationFields,
} from '../../src/domain/jobApplication/index.js';
import { deciderSpec } from '../support/decider.js';

const id = 7;
const alice = 1;
const bob = 2;
const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-25T10:00:00.000Z';

const buildFields = (overrides: Partial<JobApplicationFields> = {}): JobApplicationFields =>
  newJobApplicationFields({ job_title: 'Engineer', company_name: 'Acme', ...overrides });
const created = (overrides: Partial<JobApplicationFields> = {}): JobApplicationEvent => ({
  type: 'JobApplicationCreated',
  data: { id, userId: alice, fields: buildFields(overrides), isExample: false, at },
});
const softDeleted: JobApplicationEvent = { type: 'JobApplicationSoftDeleted', data: { id, userId: alice, at } };
const update = (userId: number, changes: Partial<JobApplicationFields>): JobApplicationCommand => ({
  type: 'UpdateJobApplication',
  data: { id, userId, changes, at: later },
});
const softDelete = (userId: number): JobApplicationCommand => ({ type: 'SoftDeleteJobApplication', data: { id, userId, at: later } });
const restore = (userId: number): JobApplicationCommand => ({ type: 'RestoreJobApplication', data: { id, userId, at: later } });

describe('JobApplication', () => {
  const given = deciderSpec(jobApplicationDecider);

  it('lives in the stream jobApplication-<id>', () => expect(jobApplicationStream(42)).to.equal('jobApplication-42'));

  it('fills the original model’s defaults', () =>
    expect(newJobApplicationFields({ job_title: 'Engineer', company_name: 'Acme' })).to.deep.equal({
      job_title: 'Engineer',
      company_name: 'Acme',
      original_job_description: '',
      resume_used: null,
      date_applied: null,
      status: 'Applied',
      notes: '',
    }));

  describe('when absent', () => {
    it('is created with all its fields', () =>
      given([])
        .when({ type: 'CreateJobApplication', data: { id, userId: alice, fields: buildFields(), isExample: true, at } })
        .then([{ type: 'JobApplicationCreated', data: { id, userId: alice, fields: buildFields(), isExample: true, at } }]));
    it('cannot be updated, deleted or restored', () => {
      given([]).when(update(alice, { notes: 'x' })).thenThrows(NotFound);
      given([]).when(softDelete(alice)).thenThrows(NotFound);
      given([]).when(restore(alice)).thenThrows(NotFound);
    });
  });

  describe('when active', () => {
    it('refuses a second creation with the same id', () =>
      given([created()])
        .when({ type: 'CreateJobApplication', data: { id, userId: alice, fields: buildFields(), isExample: false, at } })
        .thenThrows(Conflict));

    it('records only the fields that changed', () =>
      given([created({ notes: 'same' })])
        .when(update(alice, { job_title: 'Engineer', notes: 'same', company_name: 'Globex', date_applied: '2026-11-20' }))
        .then([{ type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { company_name: 'Globex', date_applied: '2026-11-20' }, at: later } }]));

    it('records nothing when nothing changed', () =>
      given([created()]).when(update(alice, { job_title: 'Engineer', status: 'Applied', resume_used: null })).then([]));

    it('holds a field’s default when it was recorded before the field existed', () => {
      const { date_applied: _addedLater, ...recordedBefore } = buildFields();
      const createdBefore: JobApplicationEvent = { type: 'JobApplicationCreated', data: { id, userId: alice, fields: recordedBefore as JobApplicationFields, isExample: false, at } };
      given([createdBefore]).when(update(alice, { date_applied: null })).then([]);
      given([createdBefore])
        .when(update(alice, { date_applied: '2026-11-20' }))
        .then([{ type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { date_applied: '2026-11-20' }, at: later } }]);
    });

    it('compares long texts by digest: the state holds none of them, a repeat records nothing, a change is recorded whole', () => {
      const notes = 'n'.repeat(200_000);
      const description = 'd'.repeat(200_000);
      const history = [created({ notes, original_job_description: description })];
      const state = history.reduce(jobApplicationDecider.evolve, jobApplicationDecider.initialState());
      expect(JSON.stringify(state).length).to.be.below(1000);
      given(history).when(update(alice, { notes, original_job_description: description })).then([]);
      given(history)
        .when(update(alice, { notes: `${notes}!`, original_job_description: description }))
        .then([{ type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { notes: `${notes}!` }, at: later } }]);
    });

    it('records a status change twice over: in the update and as StatusChanged {from, to}', () =>
      given([created()])
        .when(update(alice, { status: 'Interviewing', notes: 'Phone screen booked' }))
        .then([
          { type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { status: 'Interviewing', notes: 'Phone screen booked' }, at: later } },
          { type: 'JobApplicationStatusChanged', data: { id, userId: alice, from: 'Applied', to: 'Interviewing', at: later } },
        ]));

    it('takes the status from the latest event', () =>
      given([
        created(),
        { type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { status: 'Interviewing' }, at } },
        { type: 'JobApplicationStatusChanged', data: { id, userId: alice, from: 'Applied', to: 'Interviewing', at } },
      ])
        .when(update(alice, { status: 'Offer' }))
        .then([
          { type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { status: 'Offer' }, at: later } },
          { type: 'JobApplicationStatusChanged', data: { id, userId: alice, from: 'Interviewing', to: 'Offer', at: later } },
        ]));

    it('soft-deletes at its owner’s request', () =>
      given([created()]).when(softDelete(alice)).then([{ type: 'JobApplicationSoftDeleted', data: { id, userId: alice, at: later } }]));

    it('treats a restore as a no-op, so a retried restore is harmless', () => given([created()]).when(restore(alice)).then([]));

    it('is invisible to another user, whatever the command', () => {
      given([created()]).when(update(bob, { notes: 'x' })).thenThrows(NotFound);
      given([created()]).when(softDelete(bob)).thenThrows(NotFound);
      given([created()]).when(restore(bob)).thenThrows(NotFound);
    });
  });

  describe('when soft-deleted', () => {
    it('cannot be updated or deleted again', () => {
      given([created(), softDeleted]).when(update(alice, { notes: 'x' })).thenThrows(NotFound);
      given([created(), softDeleted]).when(softDelete(alice)).thenThrows(NotFound);
    });

    it('is restored by its owner, and is active again', () => {
      given([created(), softDeleted]).when(restore(alice)).then([{ type: 'JobApplicationRestored', data: { id, userId: alice, at: later } }]);
      const restored: JobApplicationEvent = { type: 'JobApplicationRestored', data: { id, userId: alice, at: later } };
      given([created(), softDeleted, restored])
        .when(update(alice, { notes: 'back' }))
        .then([{ type: 'JobApplicationUpdated', data: { id, userId: alice, changes: { notes: 'back' }, at: later } }]);
    });

    it('cannot be restored by another user', () => given([created(), softDeleted]).when(restore(bob)).thenThrows(NotFound));
  });
});
