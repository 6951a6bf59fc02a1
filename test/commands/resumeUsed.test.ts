import { expect } from 'chai';
import { changeJobApplication, type ChangeJobApplicationDeps } from '../../src/commands/changeJobApplication.js';
import { recordJobApplication, type NewJobApplication, type RecordJobApplicationDeps } from '../../src/commands/recordJobApplication.js';
import type { ApplicationBody } from '../../src/commands/resumeUsedCheck.js';
import { createResume } from '../../src/commands/resumes.js';
import { storageCaps } from '../../src/commands/storageCaps.js';
import { registerUser } from '../../src/commands/users.js';
import { NotFound, ValidationFailed, type FieldErrors } from '../../src/domain/errors.js';
import type { JobApplicationChanges } from '../../src/domain/jobApplication/index.js';
import { countJobApplications, findJobApplication, isOwnResume, type JobApplicationView } from '../../src/projections/jobApplications.js';
import { uniqueName } from '../support/api.js';
import { startCommandInfra, type CommandInfra } from '../support/commandInfra.js';
import { requireRedis } from '../support/redis.js';

const NEW_APPLICATION = { job_title: 'Engineer', company_name: 'TechCorp' };

/** A body as the HTTP layer hands it over: `fields`, or the validator's errors, and the pk as sent. */
function bodyOf<T>(fields: T | FieldErrors, resumeUsed?: number | string, valid = true): ApplicationBody<T> {
  return {
    read: () => {
      if (!valid) throw new ValidationFailed(fields as FieldErrors);
      return fields as T;
    },
    resumeUsed: resumeUsed === undefined ? undefined : { id: typeof resumeUsed === 'number' ? resumeUsed : undefined, asSent: () => String(resumeUsed) },
  };
}
const invalid = <T>(errors: FieldErrors, resumeUsed?: number | string) => bodyOf<T>(errors, resumeUsed, false);

describe('resume_used is the caller’s own resume (job-application use cases, without HTTP)', function () {
  this.timeout(30_000);
  let env: CommandInfra;
  let recording: RecordJobApplicationDeps;
  let changing: ChangeJobApplicationDeps<JobApplicationView>;

  before(async function () {
    await requireRedis(this);
    env = await startCommandInfra();
    const { db } = env.infra;
    const ownsResume = (userId: number, resumeId: number) => isOwnResume(db, userId, resumeId);
    recording = { commands: env.commands, ownsResume, withinCap: storageCaps(db, { resumesPerUser: 10, jobApplicationsPerUser: 10 }).jobApplications };
    changing = { commands: env.commands, ownsResume, findApplication: (userId, id) => findJobApplication(db, userId, id) };
  });
  after(() => env?.close());

  const newUserWithResume = async () => {
    const username = uniqueName();
    const id = await registerUser(env.commands, { username, email: `${username}@example.com`, passwordHash: 'unused', isStaff: false }, env.context());
    const resumeId = await createResume(env.commands, { userId: id, username, title: 'CV', content: '# Me' }, env.context(id));
    return { id, resumeId };
  };
  const record = (userId: number, body: ApplicationBody<NewJobApplication>) => recordJobApplication(recording, { userId, body }, env.context(userId));
  const change = (userId: number, id: number, body: ApplicationBody<JobApplicationChanges>) => changeJobApplication(changing, { id, userId, body }, env.context(userId));
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err);
  const invalidPk = (asSent: string | number) => [`Invalid pk "${asSent}" - object does not exist.`];

  describe('recordJobApplication', () => {
    it('records an application that names one of the caller’s resumes', async () => {
      const alice = await newUserWithResume();
      const { id, fields } = await record(alice.id, bodyOf({ ...NEW_APPLICATION, resume_used: alice.resumeId }, alice.resumeId));
      expect(fields).to.include({ ...NEW_APPLICATION, resume_used: alice.resumeId, status: 'Applied' });
      expect(await findJobApplication(env.infra.db, alice.id, id)).to.include({ resume_used: alice.resumeId });
    });

    it('refuses another user’s resume as if it did not exist, quoting the pk as sent, and records nothing', async () => {
      const [alice, bob] = [await newUserWithResume(), await newUserWithResume()];
      const error = await failure(record(alice.id, bodyOf({ ...NEW_APPLICATION, resume_used: bob.resumeId }, bob.resumeId)));
      expect(error).to.be.instanceOf(ValidationFailed);
      expect((error as ValidationFailed).fieldErrors).to.deep.equal({ resume_used: invalidPk(bob.resumeId) });
      expect(await countJobApplications(env.infra.db, alice.id)).to.equal(0);
    });

    it('refuses a pk that names no resume at all, or is no whole number', async () => {
      const alice = await newUserWithResume();
      for (const sent of [alice.resumeId + 1_000_000, ' 1.5 ']) {
        const error = await failure(record(alice.id, bodyOf({ ...NEW_APPLICATION }, sent)));
        expect((error as ValidationFailed).fieldErrors, String(sent)).to.deep.equal({ resume_used: invalidPk(sent) });
      }
    });

    it('reports it together with the other fields’ errors, last, as DRF’s serializer did', async () => {
      const [alice, bob] = [await newUserWithResume(), await newUserWithResume()];
      const error = await failure(record(alice.id, invalid({ job_title: ['This field is required.'] }, bob.resumeId)));
      expect(Object.entries((error as ValidationFailed).fieldErrors)).to.deep.equal([
        ['job_title', ['This field is required.']],
        ['resume_used', invalidPk(bob.resumeId)],
      ]);
    });

    it('keeps the validator’s own error for a resume_used that is no pk at all', async () => {
      const alice = await newUserWithResume();
      const typeError = { resume_used: ['Incorrect type. Expected pk value, received list.'] };
      expect(((await failure(record(alice.id, invalid(typeError, '[1]')))) as ValidationFailed).fieldErrors).to.deep.equal(typeError);
    });
  });

  describe('changeJobApplication', () => {
    it('changes resume_used to another of the caller’s resumes and answers the application as it now reads', async () => {
      const alice = await newUserWithResume();
      const { id } = await record(alice.id, bodyOf(NEW_APPLICATION));
      const view = await change(alice.id, id, bodyOf({ resume_used: alice.resumeId }, alice.resumeId));
      expect(view).to.include({ id, resume_used: alice.resumeId, job_title: 'Engineer' });
    });

    it('refuses another user’s resume and leaves the application as it was', async () => {
      const [alice, bob] = [await newUserWithResume(), await newUserWithResume()];
      const { id } = await record(alice.id, bodyOf(NEW_APPLICATION));
      const error = await failure(change(alice.id, id, bodyOf({ resume_used: bob.resumeId, notes: 'x' }, bob.resumeId)));
      expect((error as ValidationFailed).fieldErrors).to.deep.equal({ resume_used: invalidPk(bob.resumeId) });
      expect(await findJobApplication(env.infra.db, alice.id, id)).to.include({ resume_used: null, notes: '' });
    });

    it('looks the application up before it reads the body: another user’s is NotFound, not a 400', async () => {
      const [alice, bob] = [await newUserWithResume(), await newUserWithResume()];
      const { id } = await record(alice.id, bodyOf(NEW_APPLICATION));
      expect(await failure(change(bob.id, id, invalid({ job_title: ['This field may not be blank.'] }, alice.resumeId)))).to.be.instanceOf(NotFound);
      expect(await failure(change(bob.id, id, bodyOf({ resume_used: bob.resumeId }, bob.resumeId)))).to.be.instanceOf(NotFound);
      expect(await findJobApplication(env.infra.db, alice.id, id)).to.include({ resume_used: null });
    });
  });
});
