import { DomainError } from '@cap-iae/shared';
import { ImportRejection, rejectionText } from './xlsx';

/**
 * A stale save (optimistic lock): nothing was written. It carries both versions, the one saved meanwhile and the
 * one sent, so that the API and the pages can show them side by side and nothing is lost.
 */
export class EditConflictError<C = unknown, Y = unknown> extends DomainError {
  constructor(
    message: string,
    readonly current: C,
    readonly yours: Y,
  ) {
    super('CONFLICT', message);
  }
}

/** An import refused as a whole: every rejected cell, with its sheet, line, column and reason. */
export class ImportRejectedError extends DomainError {
  constructor(readonly rejections: ImportRejection[]) {
    super(
      'VALIDATION_FAILED',
      `Import refusé : ${rejections.length} ${rejections.length > 1 ? 'problèmes' : 'problème'} dans le fichier, rien n’a été enregistré.`,
      rejections.map((r) => ({ field: rejectionText(r), message: r.reason })),
    );
  }
}

export function unprocessable(message: string): DomainError {
  return new DomainError('UNPROCESSABLE', message);
}
