import { expect } from 'chai';
import { Conflict, NotFound } from '../../src/domain/errors.js';
import { resumeDecider, resumeStream, type ResumeCreatedData, type ResumeEvent } from '../../src/domain/resume/index.js';
import { deciderSpec } from '../support/decider.js';

const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-24T11:00:00.000Z';
const alice = 1;
const bob = 2;
const id = 10;

const buildResume = (overrides: Partial<ResumeCreatedData> = {}): ResumeCreatedData => ({
  id, userId: alice, username: 'alice', title: 'Backend engineer', content: '# Alice', source: 'manual', at, ...overrides,
});
const created = (overrides: Partial<ResumeCreatedData> = {}): ResumeEvent => ({ type: 'ResumeCreated', data: buildResume(overrides) });
const updated = (changes: { title?: string; content?: string }): ResumeEvent => ({ type: 'ResumeUpdated', data: { id, userId: alice, changes, at: later } });
const deleted: ResumeEvent = { type: 'ResumeDeleted', data: { id, userId: alice, at: later } };

describe('Resume', () => {
  const given = deciderSpec(resumeDecider);

  describe('CreateResume', () => {
    it('records a manual resume with its owner’s username', () =>
      given([]).when({ type: 'CreateResume', data: buildResume() }).then([created()]));
    it('records an AI resume with its model', () => {
      const data = buildResume({ source: 'ai', aiModel: 'Gemini Flash' });
      given([]).when({ type: 'CreateResume', data }).then([{ type: 'ResumeCreated', data }]);
    });
    it('refuses an id that is already taken', () =>
      given([created()]).when({ type: 'CreateResume', data: buildResume({ userId: bob }) }).thenThrows(Conflict));
  });

  describe('UpdateResume', () => {
    const update = (changes: { title?: string; content?: string }, userId = alice) =>
      ({ type: 'UpdateResume', data: { id, userId, changes, at: later } }) as const;

    it('records only the fields that changed', () =>
      given([created()]).when(update({ title: 'Staff engineer', content: '# Alice' })).then([updated({ title: 'Staff engineer' })]));
    it('records nothing when nothing changed', () => given([created()]).when(update({ title: 'Backend engineer' })).then([]));
    it('records nothing for an empty change set', () => given([created()]).when(update({})).then([]));
    it('compares with the latest values, not the created ones', () =>
      given([created(), updated({ content: '# Alice v2' })]).when(update({ content: '# Alice v2' })).then([]));
    it('compares the content by digest: the state holds none of it', () => {
      const content = 'c'.repeat(500_000);
      const history = [created({ content })];
      expect(JSON.stringify(history.reduce(resumeDecider.evolve, resumeDecider.initialState())).length).to.be.below(500);
      given(history).when(update({ content })).then([]);
      given(history).when(update({ content: `${content}.` })).then([updated({ content: `${content}.` })]);
    });
    it('changing a field back is a change', () =>
      given([created(), updated({ title: 'Other' })]).when(update({ title: 'Backend engineer' })).then([updated({ title: 'Backend engineer' })]));
    it('is invisible to another user', () => given([created()]).when(update({ title: 'Mine now' }, bob)).thenThrows(NotFound, 'Not found.'));
    it('cannot update a missing resume', () => given([]).when(update({ title: 'x' })).thenThrows(NotFound));
    it('cannot update a deleted resume', () => given([created(), deleted]).when(update({ title: 'x' })).thenThrows(NotFound));
  });

  describe('DeleteResume', () => {
    const remove = (userId = alice) => ({ type: 'DeleteResume', data: { id, userId, at: later } }) as const;

    it('deletes at its owner’s request', () => given([created()]).when(remove()).then([deleted]));
    it('is invisible to another user', () => given([created()]).when(remove(bob)).thenThrows(NotFound));
    it('answers NotFound the second time', () => given([created(), deleted]).when(remove()).thenThrows(NotFound));
    it('cannot delete a missing resume', () => given([]).when(remove()).thenThrows(NotFound));
  });

  it('names its stream resume-<id>', () => expect(resumeStream(42)).to.equal('resume-42'));
});
