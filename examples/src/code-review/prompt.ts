import { definePrompt, defineServer, type ServerModule, userMessage } from '@mcpkit/core';
import * as z from 'zod';
import { VERSION } from '../version.js';

/** The seed's code_review prompt template. */
export const codeReviewPrompt = definePrompt({
  name: 'code_review',
  title: 'Code review',
  description: 'Review code changes in one file, optionally focusing on given aspects',
  args: z.object({
    file_path: z.string().min(1).describe('Path to file to review'),
    focus_areas: z
      .string()
      .optional()
      .describe('Specific aspects to focus on, e.g. "security, error handling"'),
  }),
  get: ({ file_path, focus_areas }) => {
    const focus = focus_areas?.trim()
      ? `Focus on: ${focus_areas.trim()}.`
      : 'Cover correctness, security, error handling, performance and readability.';
    return userMessage(
      [
        `Please review the code in ${file_path}.`,
        focus,
        'For each finding give the line or function, what is wrong, why it matters, and a concrete fix.',
        'End with a short overall verdict.',
      ].join('\n'),
      `Code review of ${file_path}`,
    );
  },
});

export function createCodeReviewServer(): ServerModule {
  return defineServer({ name: 'code-review', version: VERSION, prompts: [codeReviewPrompt] });
}
