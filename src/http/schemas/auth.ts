/** Request bodies of /api/auth/*, in the original serializers' field order. */
export const USERNAME_MESSAGE = 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

export const registerBody = {
  type: 'object',
  properties: {
    username: {
      type: 'string',
      maxLength: 150,
      pattern: '^[\\p{L}\\p{N}_.@+-]+$',
      description: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.',
      'x-messages': { pattern: USERNAME_MESSAGE },
      examples: ['john_doe'],
    },
    email: { type: 'string', format: 'email', maxLength: 254, examples: ['john@example.com'] },
    password: { type: 'string', writeOnly: true, examples: ['SecurePass123!'] },
    password2: { type: 'string', writeOnly: true, examples: ['SecurePass123!'] },
  },
  required: ['username', 'email', 'password', 'password2'],
} as const;

export const tokenBody = {
  type: 'object',
  properties: {
    username: { type: 'string', examples: ['john_doe'] },
    password: { type: 'string', writeOnly: true, examples: ['SecurePass123!'] },
  },
  required: ['username', 'password'],
} as const;

export const refreshBody = {
  type: 'object',
  properties: { refresh: { type: 'string' } },
  required: ['refresh'],
} as const;
