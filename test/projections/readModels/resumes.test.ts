import { resumesProjection } from '../../../src/projections/resumes.js';
import { readModelSpec } from '../../support/readModelSpec.js';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const stored = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
const created = (id: number, s = 1) =>
  ({ type: 'ResumeCreated', data: { id, userId: 7, username: 'alice', title: `T${id}`, content: `C${id}`, source: 'manual', at: at(s) } }) as const;

describe('read model: resumes', () => {
  const spec = readModelSpec(resumesProjection);

  it('a creation inserts the resume with its owner and no AI model', () =>
    spec.when(created(1)).then('resumes', [
      { id: 1, user_id: 7, username: 'alice', title: 'T1', content: 'C1', source: 'manual', ai_model: null, created_at: stored(1), updated_at: stored(1) },
    ]));

  it('an update sets only the fields it names, and updated_at', () =>
    spec
      .given(created(1))
      .when(
        { type: 'ResumeUpdated', data: { id: 1, userId: 7, changes: { title: 'New' }, at: at(2) } },
        { type: 'ResumeUpdated', data: { id: 1, userId: 7, changes: { content: 'Body' }, at: at(3) } },
      )
      .then('resumes', [{ id: 1, title: 'New', content: 'Body', created_at: stored(1), updated_at: stored(3) }]));

  it('a deletion removes the row, and a later update of it stays a no-op', () =>
    spec
      .given(created(1), created(2))
      .when(
        { type: 'ResumeDeleted', data: { id: 1, userId: 7, at: at(2) } },
        { type: 'ResumeUpdated', data: { id: 1, userId: 7, changes: { title: 'Ghost' }, at: at(3) } },
      )
      .then('resumes', [{ id: 2, title: 'T2' }]));

  it('counts the resumes each user keeps, for the storage cap', () =>
    spec
      .given(created(1), created(2), { ...created(3), data: { ...created(3).data, userId: 8 } })
      .when({ type: 'ResumeDeleted', data: { id: 1, userId: 7, at: at(2) } })
      .then('resume_owner_counts', [{ user_id: 7, resumes: 1 }, { user_id: 8, resumes: 1 }], 'user_id'));
});
