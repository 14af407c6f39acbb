import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { Principal, PUBLIC } from '@cap-iae/access';

export type AppRequest = Request & { principal?: Principal; requestId?: string; sessionToken?: string };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AppRequest>().principal ?? PUBLIC;
});

export const SESSION_COOKIE = 'capiae_session';
export const PRELOGIN_CSRF_COOKIE = 'capiae_csrf';
