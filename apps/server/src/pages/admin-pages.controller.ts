import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  AccessPolicyService,
  AccountsService,
  AuditService,
  isRole,
  Principal,
  ROLE_LABELS,
  ROLES,
  RoleGrant,
  UserView,
} from '@cap-iae/access';
import { TerritoriesService } from '@cap-iae/territories';
import { DomainError, isDomainError } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';
import type { AppRequest } from '../access/request-principal';
import { errorOf } from './account-pages.controller';
import { PageRenderer } from './page-renderer';

type Form = Record<string, string | undefined>;

@ApiExcludeController()
@Controller()
export class AdminPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    private readonly policy: AccessPolicyService,
    private readonly territories: TerritoriesService,
  ) {}

  @Get('administration/utilisateurs')
  @Access('user', 'manage')
  async users(@Req() req: AppRequest, @Res() res: Response): Promise<void> {
    await this.renderUsers(req, res, {});
  }

  @Post('administration/utilisateurs')
  @Access('user', 'manage', { body: 'territory' })
  async createUser(@Req() req: AppRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    try {
      const { user, password } = await this.accounts.create({
        login: body.login ?? '',
        displayName: body.displayName ?? '',
        roles: [{ role: body.role as RoleGrant['role'], territory: body.territory ?? '' }],
      });
      await this.renderUsers(req, res, { created: { login: user.login, password } }, 201);
    } catch (e) {
      await this.renderUsers(req, res, { error: errorOf(e), form: body }, 400);
    }
  }

  @Get('administration/utilisateurs/:id')
  @Access('user', 'manage', 'object')
  async user(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    await this.renderUser(req, res, await this.managed(req.principal!, id), {});
  }

  @Post('administration/utilisateurs/:id')
  @Access('user', 'manage', { body: 'territory' })
  async updateUser(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Form,
  ): Promise<void> {
    const current = await this.managed(req.principal!, id);
    const mine = {
      displayName: body.displayName ?? '',
      active: body.active === 'oui',
      role: body.role ?? '',
      territory: body.territory ?? '',
    };
    try {
      if (!isRole(mine.role))
        throw DomainError.validation([{ field: 'roles[0].role', message: 'rôle inconnu' }]);
      const updated = await this.accounts.update(id, {
        displayName: mine.displayName,
        active: mine.active,
        roles: [{ role: mine.role, territory: mine.territory }],
        version: Number(body.version),
      });
      await this.renderUser(req, res, updated, { notice: 'Compte enregistré.' });
    } catch (e) {
      // A concurrent edit: nothing was overwritten; both versions are shown side by side.
      if (isDomainError(e) && e.code === 'CONFLICT') {
        await this.renderUser(
          req,
          res,
          await this.accounts.get(id),
          { conflict: { current, mine }, error: errorOf(e) },
          409,
        );
        return;
      }
      await this.renderUser(req, res, current, { error: errorOf(e) }, 400);
    }
  }

  @Post('administration/utilisateurs/:id/reinitialisation')
  @Access('user', 'manage', 'object')
  async reset(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Param('id', ParseIntPipe) id: number,
  ): Promise<void> {
    const user = await this.managed(req.principal!, id);
    const password = await this.accounts.resetPassword(id);
    await this.renderUser(req, res, user, { resetPassword: password });
  }

  @Get('historique')
  @Access('audit', 'read')
  async history(
    @Req() req: AppRequest,
    @Res() res: Response,
    @Query('objet') objectType?: string,
    @Query('identifiant') objectId?: string,
    @Query('auteur') actor?: string,
  ): Promise<void> {
    const filter = {
      objectType: objectType || undefined,
      objectId: objectId || undefined,
      actor: actor || undefined,
    };
    if (filter.objectId && !filter.objectType) filter.objectId = undefined;
    const { items, total } = await this.audit.list({ ...filter, limit: 200, offset: 0 });
    const csv = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])),
    );
    await this.pages.render(req, res, 'history', {
      title: 'Historique',
      nav: 'historique',
      filter,
      history: items,
      total,
      truncated: total > items.length,
      csvUrl: `/api/v1/audit.csv${csv.size ? `?${csv.toString()}` : ''}`,
    });
  }

  private async renderUsers(
    req: AppRequest,
    res: Response,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const visible: UserView[] = [];
    for (const u of await this.accounts.list()) {
      const ts = u.roles.map((r) => r.territory);
      if (await this.policy.allowed(req.principal!, 'user', 'manage', ts.length ? ts : undefined))
        visible.push(u);
    }
    await this.pages.render(
      req,
      res,
      'users',
      {
        title: 'Utilisateurs',
        nav: 'administration',
        users: visible,
        ...(await this.options(req.principal!)),
        form: {},
        ...extra,
      },
      status,
    );
  }

  private async renderUser(
    req: AppRequest,
    res: Response,
    account: UserView,
    extra: Record<string, unknown>,
    status = 200,
  ): Promise<void> {
    const history = (
      await this.audit.list({ objectType: 'utilisateur', objectId: String(account.id), limit: 50, offset: 0 })
    ).items;
    await this.pages.render(
      req,
      res,
      'user',
      {
        title: account.displayName,
        nav: 'administration',
        account,
        firstRole: account.roles[0],
        history,
        ...(await this.options(req.principal!)),
        ...extra,
      },
      status,
    );
  }

  /** Roles and the territories this administrator may give them on (its région and the départements in it). */
  private async options(principal: Principal) {
    const all = [...(await this.territories.all()).values()];
    const territoryOptions = [];
    for (const t of all.filter((x) => x.level === 'region' || x.level === 'department')) {
      if (await this.policy.allowed(principal, 'user', 'manage', [t.code])) territoryOptions.push(t);
    }
    return { roleOptions: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })), territoryOptions };
  }

  private async managed(principal: Principal, id: number): Promise<UserView> {
    const user = await this.accounts.get(id);
    const ts = user.roles.map((r) => r.territory);
    if (!(await this.policy.allowed(principal, 'user', 'manage', ts.length ? ts : undefined))) {
      throw new DomainError(
        'FORBIDDEN',
        'Ce compte a des rôles hors de votre territoire : vous ne pouvez pas le gérer.',
      );
    }
    return user;
  }
}
