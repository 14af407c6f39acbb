import type { Request, Response } from 'express';
import { SESSION_COOKIE } from './request-principal';

/** HttpOnly and SameSite=Lax always; Secure whenever the request arrived over HTTPS (directly or behind a proxy). */
export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}
