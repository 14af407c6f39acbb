import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { Role } from './roles';

@Entity({ name: 'app_user' })
@Unique('uq_app_user_login', ['login'])
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Lower-cased identifier used to log in (an e-mail address in practice). */
  @Column({ type: 'varchar', length: 120 })
  login!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 120 })
  displayName!: string;

  /** argon2id, PHC string format; never the password itself. */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Set after an administrator's reset: the next login asks for a new password. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  /** Subject of the linked OpenID Connect identity, when single sign-on is configured. */
  @Column({ name: 'oidc_subject', type: 'varchar', length: 200, nullable: true })
  oidcSubject!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  /** Optimistic lock: an edit made on a stale copy is refused rather than silently overwriting. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @OneToMany(() => RoleAssignment, (r) => r.user)
  roles?: RoleAssignment[];
}

@Entity({ name: 'role_assignment' })
@Unique('uq_role_assignment', ['userId', 'role', 'territoryCode'])
export class RoleAssignment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, (u) => u.roles, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 30 })
  role!: Role;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;
}

@Entity({ name: 'user_session' })
@Index('ix_user_session_user', ['userId'])
export class UserSession {
  /** SHA-256 of the cookie value: a stolen database does not yield usable sessions. */
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'last_seen_at', type: 'varchar', length: 30 })
  lastSeenAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;
}

@Entity({ name: 'api_token' })
@Unique('uq_api_token_hash', ['tokenHash'])
export class ApiToken {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  /** First characters, shown in lists so that a person can tell tokens apart. */
  @Column({ type: 'varchar', length: 20 })
  prefix!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'last_used_at', type: 'varchar', length: 30, nullable: true })
  lastUsedAt!: string | null;

  @Column({ name: 'revoked_at', type: 'varchar', length: 30, nullable: true })
  revokedAt!: string | null;
}

@Entity({ name: 'login_attempt' })
@Index('ix_login_attempt_login', ['login', 'at'])
@Index('ix_login_attempt_ip', ['ip', 'at'])
export class LoginAttempt {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 120 })
  login!: string;

  @Column({ type: 'varchar', length: 64 })
  ip!: string;

  @Column({ type: 'varchar', length: 30 })
  at!: string;

  @Column({ type: 'boolean' })
  success!: boolean;
}

export const AUDIT_CHANNELS = ['web', 'api', 'cli', 'source', 'system'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

/** Append-only: the application never updates or deletes these rows. */
@Entity({ name: 'audit_entry' })
@Index('ix_audit_object', ['objectType', 'objectId'])
@Index('ix_audit_request', ['requestId'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 30 })
  at!: string;

  /** Login of the person, `<login> (jeton <prefix>)` for an API token, `cli:<system user>`, `source:<id>` or `système`. */
  @Column({ type: 'varchar', length: 120 })
  actor!: string;

  @Column({ type: 'varchar', length: 10 })
  channel!: AuditChannel;

  @Column({ type: 'varchar', length: 60 })
  action!: string;

  @Column({ name: 'object_type', type: 'varchar', length: 40 })
  objectType!: string;

  @Column({ name: 'object_id', type: 'varchar', length: 200 })
  objectId!: string;

  @Column({ type: 'text', nullable: true })
  before!: string | null;

  @Column({ type: 'text', nullable: true })
  after!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  summary!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 40, nullable: true })
  requestId!: string | null;
}

export const ACCESS_ENTITIES = [User, RoleAssignment, UserSession, ApiToken, LoginAttempt, AuditEntry];
