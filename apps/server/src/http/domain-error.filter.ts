import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { AppRequest } from '../access/request-principal';
import { PageRenderer } from '../pages/page-renderer';
import type { Response } from 'express';
import { DomainError, DomainErrorCode, FieldIssue } from '@cap-iae/shared';

const STATUS: Record<DomainErrorCode, number> = {
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  UNPROCESSABLE: HttpStatus.UNPROCESSABLE_ENTITY,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
  CONFIGURATION: HttpStatus.INTERNAL_SERVER_ERROR,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

const HTTP_MESSAGES: Record<number, string> = {
  400: 'Requête invalide.',
  401: 'Authentification requise.',
  403: 'Accès refusé.',
  404: 'Ressource introuvable.',
  405: 'Méthode non autorisée.',
  409: 'Conflit avec l’état actuel de la ressource.',
  413: 'Contenu trop volumineux.',
  415: 'Type de contenu non pris en charge.',
  429: 'Trop de requêtes : réessayez dans un instant.',
};

const PAGE_HEADINGS: Record<number, string> = {
  400: 'Demande incorrecte',
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Conflit de modification',
  429: 'Trop de tentatives',
  500: 'Erreur interne',
};

function isPageRequest(req: AppRequest): boolean {
  return !req.path.startsWith('/api') && req.accepts(['json', 'html']) === 'html';
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: FieldIssue[];
}

/** The one place where errors become HTTP answers: a code, a French message, never a stack trace. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly pages: PageRenderer) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<AppRequest>();
    const body = this.toBody(exception);
    if (!isPageRequest(request)) {
      response.status(body.statusCode).json(body);
      return;
    }
    // People reading pages get a page: the login form when they must log in, a French error page otherwise.
    if (body.statusCode === 401) {
      response.redirect(303, `/connexion?suite=${encodeURIComponent(request.originalUrl)}`);
      return;
    }
    await this.pages.render(
      request,
      response,
      'error',
      {
        title: PAGE_HEADINGS[body.statusCode] ?? 'Erreur',
        heading: PAGE_HEADINGS[body.statusCode] ?? 'Erreur',
        message: body.message,
        errors: body.errors,
      },
      body.statusCode,
    );
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: STATUS[exception.code],
        code: exception.code,
        message: exception.message,
        ...(exception.issues.length ? { errors: [...exception.issues] } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body-parser errors (malformed JSON, too large) arrive here as HttpExceptions with English text.
      const message =
        status === 400 && /JSON/i.test(exception.message)
          ? 'Le corps de la requête n’est pas un JSON valide.'
          : (HTTP_MESSAGES[status] ?? 'Erreur.');
      return { statusCode: status, code: `HTTP_${status}`, message };
    }
    const e = exception as { type?: string; status?: number };
    if (e?.type === 'entity.parse.failed') {
      return {
        statusCode: 400,
        code: 'HTTP_400',
        message: 'Le corps de la requête n’est pas un JSON valide.',
      };
    }
    if (e?.type === 'entity.too.large')
      return { statusCode: 413, code: 'HTTP_413', message: HTTP_MESSAGES[413] };
    this.logger.error(
      exception instanceof Error ? `${exception.name}: ${exception.message}` : 'Erreur inconnue',
    );
    return { statusCode: 500, code: 'INTERNAL', message: 'Erreur interne : l’incident a été journalisé.' };
  }
}
