import { DomainError, FieldIssue } from '@cap-iae/shared';

/**
 * A bilan template that cannot be rendered: a syntax error, a field the data does not have, a missing partial or
 * asset. Templates are data an administrator edits, so the message names the template, the file, the line and the
 * field in French, for that person, never a stack trace.
 */
export class TemplateError extends DomainError {
  constructor(
    readonly templateId: string,
    readonly file: string,
    readonly detail: string,
    readonly field: string | null = null,
    readonly line: number | null = null,
  ) {
    super(
      'CONFIGURATION',
      `Modèle de bilan « ${templateId} » (${file}${line !== null ? `, ligne ${line}` : ''}) : ${detail}`,
      [{ field: field ?? file, message: detail } satisfies FieldIssue],
    );
    this.name = 'TemplateError';
  }
}

export function isTemplateError(error: unknown): error is TemplateError {
  return error instanceof TemplateError;
}
