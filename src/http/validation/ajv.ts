import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isDjangoEmail } from './email.js';
import { isIsoDate } from './isoDate.js';
import { MESSAGE_KEYS } from './schema.js';

/**
 * The one ajv: draft 2020-12 (the dialect OpenAPI 3.1 embeds), strict, reporting every error
 * so DRF's "all validators report" can be rebuilt from them. Patterns get the `u` flag
 * (ajv's default `unicodeRegExp`), so `\p{L}` works and lengths count code points.
 */
export const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });

// ajv-formats is CommonJS; under NodeNext its callable sits on `.default`.
addFormats.default(ajv);
// Replace two of ajv-formats' formats with the original's rules.
ajv.addFormat('email', isDjangoEmail);
ajv.addFormat('date', isIsoDate);

ajv.addKeyword({ keyword: 'x-trim', metaSchema: { type: 'boolean' } });
ajv.addKeyword({ keyword: 'x-allow-blank', metaSchema: { type: 'boolean' } });
ajv.addKeyword({ keyword: 'x-pk', metaSchema: { type: 'boolean' } });
ajv.addKeyword({
  keyword: 'x-messages',
  metaSchema: {
    type: 'object',
    propertyNames: { enum: [...MESSAGE_KEYS] },
    additionalProperties: { type: 'string' },
  },
});
