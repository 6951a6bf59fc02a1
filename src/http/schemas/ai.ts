/** Body of POST /api/ai/generate, in the original serializer's order. */
export const generateBody = {
  type: 'object',
  properties: {
    model: { type: 'string', maxLength: 100, description: 'Display name of an active AI model (any case).', examples: ['ResuMate Offline'] },
    user_input: {
      type: 'string',
      minLength: 50,
      maxLength: 20_000,
      description: 'What the resume should be built from: experience, skills, education.',
      examples: ['Software engineer with 5 years experience in Python, Django, React. Expert in cloud deployment.'],
    },
    title: { type: 'string', maxLength: 255, default: 'Untitled Resume', examples: ['Senior Developer Resume'] },
  },
  required: ['model', 'user_input'],
} as const;
