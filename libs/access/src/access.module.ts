import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUDIT_SINK } from '@cap-iae/shared';
import { TerritoriesModule } from '@cap-iae/territories';
import { ACCESS_ENTITIES } from './access.entities';
import { AccessPolicyService } from './access-policy.service';
import { AccountsService } from './accounts.service';
import { AuditService } from './audit.service';
import { DemoAccountsLoader } from './demo-accounts';
import { SessionsService, TokensService } from './sessions.service';

/** Global so that every domain library can report changes through AUDIT_SINK without importing this one. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(ACCESS_ENTITIES), TerritoriesModule],
  providers: [
    AuditService,
    { provide: AUDIT_SINK, useExisting: AuditService },
    AccessPolicyService,
    AccountsService,
    SessionsService,
    TokensService,
    DemoAccountsLoader,
  ],
  exports: [
    AuditService,
    AUDIT_SINK,
    AccessPolicyService,
    AccountsService,
    SessionsService,
    TokensService,
    DemoAccountsLoader,
  ],
})
export class AccessModule {}
