/**
 * Ours (the original's TextField had none): it bounds what one list or history entry holds.
 * As long as the AI endpoint's `user_input`; even in 4-byte characters a value stays under
 * V8's large-object size, which keeps concurrent lists' memory flat (bench/bounds).
 */
export const RESUME_CONTENT_MAX_LENGTH = 20_000;

/** The original ResumeSerializer: `title` (CharField, 255) and `content` (TextField) are writable; the rest is read-only. */
export const resumeBody = {
  type: 'object',
  properties: {
    id: { type: 'integer', readOnly: true },
    user: { type: 'string', readOnly: true, description: 'The owner’s username.' },
    title: { type: 'string', maxLength: 255, examples: ['Senior Backend Engineer'] },
    content: { type: 'string', maxLength: RESUME_CONTENT_MAX_LENGTH, description: 'Markdown.', examples: ['# Jane Doe\n\n## Experience\n…'] },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
    updated_at: { type: 'string', format: 'date-time', readOnly: true },
  },
  required: ['title', 'content'],
} as const;
