/**
 * Every failure the domain can explain to a person carries one of these codes. The HTTP edge (and the CLI) maps
 * codes to statuses; the message is already French because it is written where the knowledge is.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'UNPROCESSABLE'
  | 'RATE_LIMITED'
  | 'CONFIGURATION'
  | 'INTERNAL';

/** One faulty field or line: `field` names it the way the caller wrote it (`value`, `records[12].period`, `ligne 14`). */
export interface FieldIssue {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(
    issues: readonly FieldIssue[],
    message = 'Les données envoyées ne sont pas valides.',
  ): DomainError {
    return new DomainError('VALIDATION_FAILED', message, issues);
  }

  static notFound(message: string): DomainError {
    return new DomainError('NOT_FOUND', message);
  }

  static conflict(message: string): DomainError {
    return new DomainError('CONFLICT', message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
