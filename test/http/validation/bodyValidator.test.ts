import { expect } from 'chai';
import { ValidationFailed, type FieldErrors } from '../../../src/domain/errors.js';
import { ajv } from '../../../src/http/validation/ajv.js';
import { bodyValidator } from '../../../src/http/validation/bodyValidator.js';
import { generateBody } from '../../../src/http/schemas/ai.js';
import { registerBody, USERNAME_MESSAGE } from '../../../src/http/schemas/auth.js';
import { jobApplicationBody } from '../../../src/http/schemas/jobApplications.js';
import { coercionFieldsBody } from './schemas.js';

const register = bodyValidator(registerBody);
const jobApplication = bodyValidator(jobApplicationBody);
const coercionFields = bodyValidator(coercionFieldsBody);
const generate = bodyValidator(generateBody);

const buildRegistration = (overrides: Record<string, unknown> = {}) => ({
  username: 'alice',
  email: 'alice@example.com',
  password: 'Zx9!long-enough',
  password2: 'Zx9!long-enough',
  ...overrides,
});
const buildApplication = (overrides: Record<string, unknown> = {}) => ({ job_title: 'Engineer', company_name: 'Acme', ...overrides });
const buildModelSettings = (overrides: Record<string, unknown> = {}) => ({ display_name: 'Gemini', api_provider: 'offline', ...overrides });
const LONG_INPUT = 'Senior engineer, ten years of TypeScript and PostgreSQL, looking for a lead role.';

function fieldErrorsOf(parse: () => unknown): FieldErrors {
  try {
    parse();
  } catch (err) {
    if (err instanceof ValidationFailed) return err.fieldErrors;
    throw err;
  }
  throw new Error('expected a ValidationFailed');
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('bodyValidator', () => {
  describe('the result', () => {
    it('is typed from the schema: writable properties only', () => {
      const _register: Equal<ReturnType<typeof register.parse>, { username: string; email: string; password: string; password2: string }> = true;
      const _application: Equal<
        ReturnType<typeof jobApplication.parse>,
        {
          job_title: string;
          company_name: string;
          original_job_description?: string;
          date_applied?: string | null;
          status?: 'Applied' | 'Interviewing' | 'Offer' | 'Rejected';
          notes?: string;
          resume_used?: number | null;
        }
      > = true;
      expect(register.schema).to.equal(registerBody);
    });

    it('keeps known writable keys and silently drops unknown and read-only ones', () => {
      const parsed = jobApplication.parse(
        buildApplication({ id: 'not even an int', user: 99, is_deleted: 'maybe', created_at: 5, hacker: true }),
      );
      expect(parsed).to.deep.equal({ job_title: 'Engineer', company_name: 'Acme' });
      const polluting: unknown = JSON.parse('{"job_title": "Engineer", "company_name": "Acme", "__proto__": {"admin": true}}');
      expect(Object.keys(jobApplication.parse(polluting))).to.deep.equal(['job_title', 'company_name']);
    });

    it('leaves an omitted field with a default absent, as DRF’s validated_data does (a PUT must not reset it)', () => {
      expect(jobApplication.parse(buildApplication())).to.not.have.property('status');
      expect(generate.parse({ model: 'Gemini', user_input: LONG_INPUT })).to.deep.equal({ model: 'Gemini', user_input: LONG_INPUT });
    });
  });

  describe('the error shape', () => {
    it('throws ValidationFailed with "This field is required." for every missing field', () => {
      expect(fieldErrorsOf(() => register.parse({}))).to.deep.equal({
        username: ['This field is required.'],
        email: ['This field is required.'],
        password: ['This field is required.'],
        password2: ['This field is required.'],
      });
    });

    it('lists fields in the schema’s order, whatever order the body used', () => {
      const errors = fieldErrorsOf(() => jobApplication.parse({ resume_used: 'x', status: 'Foo', date_applied: 'soon', job_title: '' }));
      expect(Object.keys(errors)).to.deep.equal(['job_title', 'company_name', 'date_applied', 'status', 'resume_used']);
    });

    for (const [body, message] of [
      [[], 'Invalid data. Expected a dictionary, but got list.'],
      ['alice', 'Invalid data. Expected a dictionary, but got str.'],
      [5, 'Invalid data. Expected a dictionary, but got int.'],
      [5.5, 'Invalid data. Expected a dictionary, but got float.'],
      [true, 'Invalid data. Expected a dictionary, but got bool.'],
      [null, 'No data provided'],
    ] as const) {
      it(`puts a ${JSON.stringify(body)} body under non_field_errors`, () => {
        expect(fieldErrorsOf(() => register.parse(body))).to.deep.equal({ non_field_errors: [message] });
        expect(fieldErrorsOf(() => register.parsePartial(body))).to.deep.equal({ non_field_errors: [message] });
      });
    }
  });

  describe('one field, one built-in failure', () => {
    it('stops at null', () => {
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ username: null })))).to.deep.equal({
        username: ['This field may not be null.'],
      });
    });

    it('stops at the type', () => {
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ username: true, email: ['a@b.co'], password: { a: 1 } })))).to.deep.equal({
        username: ['Not a valid string.'],
        email: ['Not a valid string.'],
        password: ['Not a valid string.'],
      });
    });

    it('stops at blank, before any validator', () => {
      expect(fieldErrorsOf(() => generate.parse({ model: '', user_input: '   ' }))).to.deep.equal({
        model: ['This field may not be blank.'],
        user_input: ['This field may not be blank.'],
      });
    });

    it('past those, reports every failing validator in DRF’s order: the pattern, then the length', () => {
      const username = `${'a'.repeat(150)}!`;
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ username })))).to.deep.equal({
        username: [USERNAME_MESSAGE, 'Ensure this field has no more than 150 characters.'],
      });
    });

    it('reports an email’s length before its shape, as DRF’s EmailField does', () => {
      const email = `${'a'.repeat(300)}@example.com@`;
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ email })))).to.deep.equal({
        email: ['Ensure this field has no more than 254 characters.', 'Enter a valid email address.'],
      });
    });
  });

  describe('strings (DRF CharField)', () => {
    it('trims surrounding whitespace the way Python’s str.strip() does', () => {
      expect(register.parse(buildRegistration({ username: '  alice  ' })).username).to.equal('alice');
      expect(jobApplication.parse(buildApplication({ job_title: '\u3000\u001cEngineer\u00a0\n' })).job_title).to.equal('Engineer');
      // U+FEFF is not whitespace to Python, though String.prototype.trim() removes it.
      expect(jobApplication.parse(buildApplication({ job_title: '\ufeffEngineer' })).job_title).to.equal('\ufeffEngineer');
    });

    it('treats an empty or whitespace-only value as blank', () => {
      expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ job_title: '', company_name: ' \t ' })))).to.deep.equal({
        job_title: ['This field may not be blank.'],
        company_name: ['This field may not be blank.'],
      });
    });

    it('accepts blank where x-allow-blank is set, trimmed to ""', () => {
      const parsed = jobApplication.parse(buildApplication({ original_job_description: '   ', notes: '' }));
      expect(parsed.original_job_description).to.equal('');
      expect(parsed.notes).to.equal('');
    });

    it('keeps whitespace where x-trim is false, and then only "" is blank', () => {
      const secret = bodyValidator({ type: 'object', properties: { token: { type: 'string', 'x-trim': false } } });
      expect(secret.parse({ token: '  a  ' }).token).to.equal('  a  ');
      expect(secret.parse({ token: '  ' }).token).to.equal('  ');
      expect(fieldErrorsOf(() => secret.parse({ token: '' }))).to.deep.equal({ token: ['This field may not be blank.'] });
    });

    it('turns numbers into their Python str(), as DRF does', () => {
      expect(jobApplication.parse(buildApplication({ job_title: 5, company_name: 2.5 }))).to.include({ job_title: '5', company_name: '2.5' });
      expect(jobApplication.parse(buildApplication({ job_title: 0.00001 })).job_title).to.equal('1e-05');
    });

    it('counts length in code points, after trimming', () => {
      expect(jobApplication.parse(buildApplication({ job_title: '😀'.repeat(200) })).job_title).to.have.length(400);
      expect(jobApplication.parse(buildApplication({ job_title: `  ${'a'.repeat(200)}  ` })).job_title).to.have.length(200);
      expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ job_title: '😀'.repeat(201) })))).to.deep.equal({
        job_title: ['Ensure this field has no more than 200 characters.'],
      });
    });

    it('reports a minimum length', () => {
      expect(fieldErrorsOf(() => generate.parse({ model: 'Gemini', user_input: 'Too short.' }))).to.deep.equal({
        user_input: ['Ensure this field has at least 50 characters.'],
      });
    });

    it('refuses null characters and lone surrogates, which PostgreSQL cannot store', () => {
      expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ job_title: 'a\u0000b', company_name: 'a\ud800b' })))).to.deep.equal({
        job_title: ['Null characters are not allowed.'],
        company_name: ['Surrogate characters are not allowed: U+D800.'],
      });
    });
  });

  describe('x-messages', () => {
    it('replaces a keyword’s message for that field only', () => {
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ username: 'john doe', password2: '' })))).to.deep.equal({
        username: [USERNAME_MESSAGE],
        password2: ['This field may not be blank.'],
      });
    });

    it('can reword a built-in failure too', () => {
      const body = bodyValidator({
        type: 'object',
        properties: { refresh: { type: 'string', 'x-messages': { required: 'Send your refresh token.' } } },
        required: ['refresh'],
      });
      expect(fieldErrorsOf(() => body.parse({}))).to.deep.equal({ refresh: ['Send your refresh token.'] });
    });
  });

  describe('usernames', () => {
    it('accept letters and digits of any script with _ . @ + -', () => {
      for (const username of ['Zoë', 'ユーザー', 'user_1.x@y+z-w', 'Ωμέγα٣']) {
        expect(register.parse(buildRegistration({ username })).username).to.equal(username);
      }
    });

    it('refuse spaces, punctuation and combining marks', () => {
      for (const username of ['john doe', 'a/b', 'emoji😀', 'Zoe\u0308']) {
        expect(fieldErrorsOf(() => register.parse(buildRegistration({ username })))).to.deep.equal({ username: [USERNAME_MESSAGE] });
      }
    });
  });

  describe('emails (Django’s EmailValidator)', () => {
    for (const email of ['a@b.co', '"quoted\\ local"@example.com', '"test@test"@example.com', 'user@[127.0.0.1]', 'u@bücher.de', 'user@localhost']) {
      it(`accepts ${email}`, () => {
        expect(register.parse(buildRegistration({ email })).email).to.equal(email);
      });
    }

    // Django's local part is ASCII, and an unescaped space is not in its quoted-string class.
    for (const email of ['bad', 'a@b', 'a@-b.com', 'a@b.com.', 'ü@bücher.de', '"quoted local"@example.com']) {
      it(`refuses ${email}`, () => {
        expect(fieldErrorsOf(() => register.parse(buildRegistration({ email })))).to.deep.equal({ email: ['Enter a valid email address.'] });
      });
    }

    it('refuses 255 characters on length alone', () => {
      const email = `${'a'.repeat(243)}@example.com`;
      expect(email).to.have.length(255);
      expect(fieldErrorsOf(() => register.parse(buildRegistration({ email })))).to.deep.equal({
        email: ['Ensure this field has no more than 254 characters.'],
      });
    });

    it('is trimmed before it is checked', () => {
      expect(register.parse(buildRegistration({ email: '  alice@example.com  ' })).email).to.equal('alice@example.com');
    });
  });

  describe('choices (DRF ChoiceField)', () => {
    for (const [status, message] of [
      ['Foo', '"Foo" is not a valid choice.'],
      ['', '"" is not a valid choice.'],
      [' Applied ', '" Applied " is not a valid choice.'],
      ['applied', '"applied" is not a valid choice.'],
      [5, '"5" is not a valid choice.'],
      [true, '"True" is not a valid choice.'],
      [['Offer'], '"[\'Offer\']" is not a valid choice.'],
    ] as const) {
      it(`refuses ${JSON.stringify(status)} untrimmed, quoting it as sent`, () => {
        expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ status })))).to.deep.equal({ status: [message] });
      });
    }

    it('refuses null on a choice that is not nullable', () => {
      expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ status: null })))).to.deep.equal({
        status: ['This field may not be null.'],
      });
    });

    it('accepts a listed choice', () => {
      expect(jobApplication.parse(buildApplication({ status: 'Offer' })).status).to.equal('Offer');
    });
  });

  describe('dates (DRF DateField)', () => {
    it('accepts YYYY-MM-DD naming a real day, and null where nullable', () => {
      expect(jobApplication.parse(buildApplication({ date_applied: '2024-02-29' })).date_applied).to.equal('2024-02-29');
      expect(jobApplication.parse(buildApplication({ date_applied: null })).date_applied).to.equal(null);
    });

    for (const date_applied of ['2023-02-29', '2024-13-01', '2024-1-2', '2024-01-02T10:00:00Z', '', ' 2024-01-02', 20240102, true]) {
      it(`refuses ${JSON.stringify(date_applied)}`, () => {
        expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ date_applied })))).to.deep.equal({
          date_applied: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
        });
      });
    }
  });

  describe('booleans (DRF BooleanField)', () => {
    const truthy = [true, 1, '1', 'true', 'True', 'TRUE', 't', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
    const falsy = [false, 0, '0', 'false', 'False', 'FALSE', 'f', 'F', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];

    it('accepts DRF’s spellings of true and false', () => {
      for (const is_active of truthy) expect(coercionFields.parse(buildModelSettings({ is_active })).is_active, String(is_active)).to.equal(true);
      for (const is_active of falsy) expect(coercionFields.parse(buildModelSettings({ is_active })).is_active, String(is_active)).to.equal(false);
    });

    it('accepts "null" and "" as null only where the field is nullable', () => {
      expect(coercionFields.parse(buildModelSettings({ login_required: 'null' })).login_required).to.equal(null);
      expect(coercionFields.parse(buildModelSettings({ login_required: '' })).login_required).to.equal(null);
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ is_active: '' })))).to.deep.equal({
        is_active: ['Must be a valid boolean.'],
      });
    });

    for (const is_active of ['maybe', 'yES', 2, [], {}]) {
      it(`refuses ${JSON.stringify(is_active)}`, () => {
        expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ is_active })))).to.deep.equal({
          is_active: ['Must be a valid boolean.'],
        });
      });
    }

    it('refuses null where the field is not nullable', () => {
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ is_active: null })))).to.deep.equal({
        is_active: ['This field may not be null.'],
      });
    });
  });

  describe('integers (DRF IntegerField)', () => {
    for (const [daily_limit, expected] of [[5, 5], ['5', 5], [' 7 ', 7], ['5.0', 5], ['+3', 3], [null, null]] as const) {
      it(`reads ${JSON.stringify(daily_limit)} as ${String(expected)}`, () => {
        expect(coercionFields.parse(buildModelSettings({ daily_limit })).daily_limit).to.equal(expected);
      });
    }

    for (const daily_limit of [5.5, '5.5', 'abc', '', true, [], {}]) {
      it(`refuses ${JSON.stringify(daily_limit)}`, () => {
        expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ daily_limit })))).to.deep.equal({
          daily_limit: ['A valid integer is required.'],
        });
      });
    }

    it('checks the range', () => {
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ daily_limit: -1 })))).to.deep.equal({
        daily_limit: ['Ensure this value is greater than or equal to 0.'],
      });
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ daily_limit: '99999999999999999999999' })))).to.deep.equal({
        daily_limit: ['Ensure this value is less than or equal to 2147483647.'],
      });
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ daily_limit: `1${'0'.repeat(400)}` })))).to.deep.equal({
        daily_limit: ['Ensure this value is less than or equal to 2147483647.'],
      });
    });

    it('refuses a numeric string over 1000 characters outright', () => {
      expect(fieldErrorsOf(() => coercionFields.parse(buildModelSettings({ daily_limit: '1'.repeat(1001) })))).to.deep.equal({
        daily_limit: ['String value too large.'],
      });
    });
  });

  describe('primary keys (x-pk)', () => {
    for (const [resume_used, expected] of [[3, 3], ['3', 3], ['9999', 9999], [null, null]] as const) {
      it(`passes ${JSON.stringify(resume_used)} through as ${String(expected)} for the caller to look up`, () => {
        expect(jobApplication.parse(buildApplication({ resume_used })).resume_used).to.equal(expected);
      });
    }

    for (const [resume_used, typeName] of [['abc', 'str'], ['3.0', 'str'], [true, 'bool'], [[3], 'list'], [{ id: 3 }, 'dict'], [1.5, 'float']] as const) {
      it(`refuses ${JSON.stringify(resume_used)}, naming the Python type`, () => {
        expect(fieldErrorsOf(() => jobApplication.parse(buildApplication({ resume_used })))).to.deep.equal({
          resume_used: [`Incorrect type. Expected pk value, received ${typeName}.`],
        });
      });
    }
  });

  describe('parsePartial (PATCH)', () => {
    it('requires nothing', () => {
      expect(jobApplication.parsePartial({})).to.deep.equal({});
      expect(jobApplication.parsePartial({ notes: ' Called back ' })).to.deep.equal({ notes: 'Called back' });
    });

    it('applies every rule to the fields that were sent', () => {
      expect(fieldErrorsOf(() => jobApplication.parsePartial({ job_title: ' ', status: 'Foo', id: 'ignored' }))).to.deep.equal({
        job_title: ['This field may not be blank.'],
        status: ['"Foo" is not a valid choice.'],
      });
    });
  });

  describe('schemas it cannot word in DRF’s terms', () => {
    it('are refused when the validator is built', () => {
      expect(() => bodyValidator({ type: 'object', properties: { n: { type: 'integer', multipleOf: 5 } } })).to.throw(/multipleOf/);
      expect(() => bodyValidator({ type: 'object', properties: { u: { type: 'string', format: 'uri' } } })).to.throw(/format "uri"/);
      expect(() => bodyValidator({ type: 'object', properties: { n: { type: ['string', 'integer'] } } })).to.throw(/single type/);
      expect(() => bodyValidator({ type: 'object', properties: {}, minProperties: 1 })).to.throw(/minProperties/);
    });

    it('with a mistyped extension keyword fail ajv’s strict compile', () => {
      expect(() => ajv.compile({ type: 'object', properties: { a: { type: 'string', 'x-trim': 'no' } } })).to.throw();
      expect(() => ajv.compile({ type: 'object', properties: { a: { type: 'string', 'x-messages': { patern: 'typo' } } } })).to.throw();
      expect(() => ajv.compile({ type: 'object', properties: { a: { type: 'string', 'x-trimm': false } } })).to.throw(/unknown keyword/);
    });
  });
});
