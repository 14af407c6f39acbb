import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AccessPolicyService, Principal, PUBLIC } from '@cap-iae/access';
import { APP_CONFIG, AppConfig } from '@cap-iae/config';
import type { AppRequest } from '../access/request-principal';

export interface PageData {
  title: string;
  nav?: string;
  [key: string]: unknown;
}

/** Adds what every page needs (who is logged in, what the menu may show, the CSRF token) and renders. */
@Injectable()
export class PageRenderer {
  constructor(
    private readonly policy: AccessPolicyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async render(req: AppRequest, res: Response, view: string, data: PageData, status = 200): Promise<void> {
    const principal: Principal = req.principal ?? PUBLIC;
    const user =
      principal.kind === 'user' ? { displayName: principal.displayName, login: principal.login } : undefined;
    res.status(status).render(`pages/${view}`, {
      ...data,
      user,
      csrf: principal.csrfToken ?? data.csrf,
      demo: this.config.demo,
      can: {
        manageUsers: await this.policy.allowed(principal, 'user', 'manage'),
        readAudit: await this.policy.allowed(principal, 'audit', 'read'),
        readSources: await this.policy.allowed(principal, 'source', 'read'),
        readPlans: await this.policy.allowed(principal, 'plan', 'read'),
        readInstances: await this.policy.allowed(principal, 'instance', 'read'),
        writeValues: await this.policy.allowed(principal, 'observation', 'write'),
        readFunding: await this.policy.allowed(principal, 'funding', 'read'),
        readBilans: await this.policy.allowed(principal, 'bilan', 'read'),
      },
    });
  }
}
