import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldIssue } from '@cap-iae/shared';

/** class-validator speaks English; people using the API read French. One sentence per constraint name. */
const MESSAGES: Record<string, (e: ValidationError) => string> = {
  whitelistValidation: () => 'champ inconnu',
  isDefined: () => 'champ obligatoire',
  isNotEmpty: () => 'ne doit pas être vide',
  isString: () => 'doit être un texte',
  isInt: () => 'doit être un nombre entier',
  isNumber: () => 'doit être un nombre',
  isBoolean: () => 'doit être vrai ou faux',
  isObject: () => 'doit être un objet',
  isArray: () => 'doit être une liste',
  isIn: () => 'valeur non admise',
  min: () => 'valeur trop petite',
  max: () => 'valeur trop grande',
  maxLength: () => 'texte trop long',
  arrayMaxSize: () => 'liste trop longue',
  arrayMinSize: () => 'liste trop courte',
  matches: () => "n'a pas le format attendu",
  isEnum: () => 'valeur non admise',
};

function flatten(errors: ValidationError[], parent = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const e of errors) {
    const field = parent
      ? /^\d+$/.test(e.property)
        ? `${parent}[${e.property}]`
        : `${parent}.${e.property}`
      : e.property;
    for (const [name, english] of Object.entries(e.constraints ?? {})) {
      const french = MESSAGES[name]?.(e);
      // Custom validators already carry a French message; unknown built-ins fall back to a generic sentence.
      issues.push({
        field,
        message: french ?? (/[éèàç]|doit|n'est/.test(english) ? english : 'valeur invalide'),
      });
    }
    if (e.children?.length) issues.push(...flatten(e.children, field));
  }
  return issues;
}

export function frenchValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) =>
      DomainError.validation(flatten(errors), 'La requête contient des champs invalides.'),
  });
}
