import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccessPolicyService,
  AccountsService,
  AuditService,
  AuditView,
  Principal,
  SessionsService,
  TokensService,
  TokenView,
  UserView,
} from '@cap-iae/access';
import { DomainError, FieldIssue, updateContext } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import { AppRequest, CurrentPrincipal } from '../access/request-principal';
import { clearSessionCookie, setSessionCookie } from '../access/session-cookie';
import { ChangePasswordDto, CreateTokenDto, CreateUserDto, LoginDto, UpdateUserDto } from './access.dto';
import { intParam, throwIfIssues } from './query-params';

export interface MeView {
  login: string;
  displayName: string;
  roles: { role: string; territory: string }[];
  mustChangePassword: boolean;
  csrfToken?: string;
}

function me(p: Principal): MeView {
  return {
    login: p.login!,
    displayName: p.displayName!,
    roles: p.grants,
    mustChangePassword: Boolean(p.mustChangePassword),
    csrfToken: p.csrfToken,
  };
}

@ApiTags('Comptes et accès')
@Controller('api/v1')
export class AccessController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
    private readonly tokens: TokensService,
    private readonly audit: AuditService,
    private readonly policy: AccessPolicyService,
  ) {}

  @Post('auth/login')
  @Access('session', 'open')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Ouvre une session (cookie HttpOnly) ; la réponse donne le jeton CSRF à renvoyer dans X-CSRF-Token',
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: AppRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MeView> {
    const { token, principal } = await this.sessions.login(
      body.login,
      body.password,
      req.ip ?? 'inconnue',
      req.sessionToken,
    );
    setSessionCookie(req, res, token);
    updateContext({ actor: principal.login!, userId: principal.userId });
    await this.audit.record({
      action: 'connexion',
      objectType: 'utilisateur',
      objectId: String(principal.userId),
    });
    return me(principal);
  }

  @Post('auth/logout')
  @Access('session', 'close')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ferme la session courante' })
  async logout(@Req() req: AppRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (req.sessionToken) await this.sessions.logout(req.sessionToken);
    clearSessionCookie(req, res);
    await this.audit.record({
      action: 'déconnexion',
      objectType: 'session',
      objectId: req.principal?.login ?? 'public',
    });
  }

  @Get('account')
  @Access('account', 'self')
  @ApiOperation({ summary: 'Mon compte' })
  account(@CurrentPrincipal() principal: Principal): MeView {
    return me(principal);
  }

  @Post('account/password')
  @Access('account', 'self')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change mon mot de passe (ferme mes autres sessions)' })
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.accounts.changePassword(
      principal.userId!,
      body.currentPassword,
      body.newPassword,
      principal.sessionId,
    );
  }

  @Post('account/logout-everywhere')
  @Access('account', 'self')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ferme toutes mes sessions, sur tous les appareils' })
  async logoutEverywhere(
    @CurrentPrincipal() principal: Principal,
    @Req() req: AppRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const closed = await this.sessions.logoutEverywhere(principal.userId!);
    clearSessionCookie(req, res);
    return { closed };
  }

  @Get('account/tokens')
  @Access('account', 'self')
  @ApiOperation({ summary: "Mes jetons d'API" })
  listTokens(@CurrentPrincipal() principal: Principal): Promise<TokenView[]> {
    return this.tokens.list(principal.userId!);
  }

  @Post('account/tokens')
  @Access('account', 'self')
  @ApiOperation({ summary: "Crée un jeton d'API (sa valeur n'est montrée qu'une fois)" })
  async createToken(@Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal) {
    const { token, view } = await this.tokens.create(principal.userId!, body.name);
    return { ...view, token };
  }

  @Delete('account/tokens/:id')
  @Access('account', 'self')
  @HttpCode(204)
  @ApiOperation({ summary: "Révoque un de mes jetons d'API" })
  async revokeToken(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.tokens.revoke(principal.userId!, id);
  }

  @Get('users')
  @Access('user', 'manage')
  @ApiOperation({ summary: 'Comptes (ceux que mes rôles couvrent)' })
  async listUsers(@CurrentPrincipal() principal: Principal): Promise<UserView[]> {
    const users = await this.accounts.list();
    const visible: UserView[] = [];
    for (const u of users)
      if (
        await this.canManage(
          principal,
          u.roles.map((r) => r.territory),
        )
      )
        visible.push(u);
    return visible;
  }

  @Post('users')
  @Access('user', 'manage', { bodyList: 'roles', field: 'territory' })
  @ApiOperation({ summary: "Crée un compte ; le mot de passe provisoire n'est montré qu'une fois" })
  async createUser(@Body() body: CreateUserDto) {
    const { user, password } = await this.accounts.create({ ...body });
    return { ...user, temporaryPassword: password };
  }

  @Get('users/:id')
  @Access('user', 'manage', 'object')
  @ApiOperation({ summary: 'Un compte' })
  async getUser(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserView> {
    return this.managed(principal, id);
  }

  @Patch('users/:id')
  @Access('user', 'manage', { bodyList: 'roles', field: 'territory' })
  @ApiOperation({
    summary: 'Modifie un compte (nom, activation, rôles) ; refusé (409) si la version lue est périmée',
  })
  async updateUser(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.managed(principal, id);
    return this.accounts.update(id, body);
  }

  @Post('users/:id/password-reset')
  @Access('user', 'manage', 'object')
  @HttpCode(200)
  @ApiOperation({
    summary: "Réinitialise le mot de passe : le nouveau n'est montré qu'une fois, les sessions sont fermées",
  })
  async resetPassword(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() principal: Principal) {
    await this.managed(principal, id);
    return { temporaryPassword: await this.accounts.resetPassword(id) };
  }

  @Get('audit')
  @Access('audit', 'read')
  @ApiOperation({ summary: 'Historique des modifications (du plus récent au plus ancien)' })
  async auditList(
    @Query('objectType') objectType?: string,
    @Query('objectId') objectId?: string,
    @Query('actor') actor?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<{ items: AuditView[]; total: number }> {
    const issues: FieldIssue[] = [];
    const l = intParam('limit', limit, 1, 1000, issues) ?? 100;
    const o = intParam('offset', offset, 0, 10_000_000, issues) ?? 0;
    throwIfIssues(issues);
    return this.audit.list({ objectType, objectId, actor, limit: l, offset: o });
  }

  @Get('audit.csv')
  @Access('audit', 'read')
  @ApiOperation({
    summary:
      "Historique exporté en CSV (séparateur « ; », UTF-8), cellules neutralisées contre l'injection de formules",
  })
  async auditCsv(
    @Res() res: Response,
    @Query('objectType') objectType?: string,
    @Query('objectId') objectId?: string,
    @Query('actor') actor?: string,
  ): Promise<void> {
    const csv = await this.audit.exportCsv({ objectType, objectId, actor });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="historique.csv"');
    res.send(csv);
  }

  private async canManage(principal: Principal, territories: string[]): Promise<boolean> {
    return this.policy.allowed(principal, 'user', 'manage', territories.length ? territories : undefined);
  }

  /** An administrator manages the accounts whose every role lies within the administrator's own scope. */
  private async managed(principal: Principal, id: number): Promise<UserView> {
    const user = await this.accounts.get(id);
    if (
      !(await this.canManage(
        principal,
        user.roles.map((r) => r.territory),
      ))
    ) {
      throw new DomainError(
        'FORBIDDEN',
        'Ce compte a des rôles hors de votre territoire : vous ne pouvez pas le gérer.',
      );
    }
    return user;
  }
}
