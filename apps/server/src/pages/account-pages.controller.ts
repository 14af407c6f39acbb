import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccountsService,
  AuditService,
  ROLE_LABELS,
  SessionsService,
  TokensService,
  randomToken,
} from '@cap-iae/access';
import { TerritoriesService } from '@cap-iae/territories';
import { isDomainError, updateContext } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import { AppRequest, PRELOGIN_CSRF_COOKIE } from '../access/request-principal';
import { clearSessionCookie, setSessionCookie } from '../access/session-cookie';
import { PageRenderer } from './page-renderer';

type Form = Record<string, string | undefined>;

/** Only local paths: an open redirect after login would help phishing. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function errorOf(e: unknown): {
  message: string;
  errors: readonly { field: string; message: string }[];
} {
  if (isDomainError(e)) return { message: e.message, errors: e.issues };
  throw e;
}

@ApiExcludeController()
@Controller()
export class AccountPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
    private readonly tokens: TokensService,
    private readonly territories: TerritoriesService,
    private readonly audit: AuditService,
  ) {}

  @Get('connexion')
  @Access('session', 'open')
  async loginPage(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('suite') next?: string,
  ): Promise<void> {
    await this.pages.render(req, res, 'login', {
      title: 'Connexion',
      csrf: this.preloginCsrf(req, res),
      next: safeNext(next),
    });
  }

  @Post('connexion')
  @Access('session', 'open')
  async login(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    try {
      const { token, principal } = await this.sessions.login(
        body.login ?? '',
        body.password ?? '',
        req.ip ?? 'inconnue',
        req.sessionToken,
      );
      setSessionCookie(req, res, token);
      req.principal = principal;
      updateContext({ actor: principal.login!, userId: principal.userId });
      await this.audit.record({
        action: 'connexion',
        objectType: 'utilisateur',
        objectId: String(principal.userId),
      });
      res.redirect(303, principal.mustChangePassword ? '/compte' : safeNext(body.suite));
    } catch (e) {
      const error = errorOf(e);
      const status = isDomainError(e) && e.code === 'RATE_LIMITED' ? 429 : 401;
      await this.pages.render(
        req,
        res,
        'login',
        {
          title: 'Connexion',
          csrf: this.preloginCsrf(req, res),
          next: safeNext(body.suite),
          login: body.login,
          error,
        },
        status,
      );
    }
  }

  @Post('deconnexion')
  @Access('session', 'close')
  async logout(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    if (req.sessionToken) await this.sessions.logout(req.sessionToken);
    clearSessionCookie(req, res);
    await this.audit.record({
      action: 'déconnexion',
      objectType: 'session',
      objectId: req.principal?.login ?? 'public',
    });
    res.redirect(303, '/');
  }

  @Get('compte')
  @Access('account', 'self')
  async accountPage(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    await this.renderAccount(req, res, {});
  }

  @Post('compte/mot-de-passe')
  @Access('account', 'self')
  async changePassword(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    try {
      await this.accounts.changePassword(
        req.principal!.userId!,
        body.currentPassword ?? '',
        body.newPassword ?? '',
        req.principal!.sessionId,
      );
      req.principal!.mustChangePassword = false;
      await this.renderAccount(req, res, {
        notice: 'Mot de passe changé. Vos autres sessions ont été fermées.',
      });
    } catch (e) {
      await this.renderAccount(req, res, { error: errorOf(e) }, 400);
    }
  }

  @Post('compte/deconnexion-partout')
  @Access('account', 'self')
  async logoutEverywhere(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    await this.sessions.logoutEverywhere(req.principal!.userId!);
    clearSessionCookie(req, res);
    res.redirect(303, '/connexion');
  }

  @Post('compte/jetons')
  @Access('account', 'self')
  async createToken(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    try {
      const { token } = await this.tokens.create(req.principal!.userId!, body.name ?? '');
      await this.renderAccount(req, res, { newToken: token });
    } catch (e) {
      await this.renderAccount(req, res, { error: errorOf(e) }, 400);
    }
  }

  @Post('compte/jetons/:id/revocation')
  @Access('account', 'self')
  async revokeToken(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.tokens.revoke(req.principal!.userId!, id);
    await this.renderAccount(req, res, { notice: 'Jeton révoqué.' });
  }

  private async renderAccount(
    req: AppRequest,
    res: Response,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const p = req.principal!;
    const all = await this.territories.all();
    await this.pages.render(
      req,
      res,
      'account',
      {
        title: 'Mon compte',
        nav: 'compte',
        mustChange: p.mustChangePassword,
        roles: p.grants.map((g) => ({
          ...g,
          label: ROLE_LABELS[g.role],
          territoryName: all.get(g.territory)?.name ?? g.territory,
        })),
        tokens: await this.tokens.list(p.userId!),
        ...extra,
      },
      status,
    );
  }

  /** Before login there is no session: the form's CSRF token is also set as a cookie and both must match. */
  private preloginCsrf(req: AppRequest, res: Response): string {
    const existing = (req.cookies as Record<string, string> | undefined)?.[PRELOGIN_CSRF_COOKIE];
    if (existing) return existing;
    const token = randomToken(24);
    res.cookie(PRELOGIN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
    });
    return token;
  }
}
