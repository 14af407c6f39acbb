import { Injectable, Logger } from '@nestjs/common';
import { AccountsService } from './accounts.service';
import type { Role } from './roles';

/** Published on purpose (README, console): the accounts using it are disabled whenever demo mode is off. */
export const DEMO_PASSWORD = 'Demo-CapIAE-2026';

export const DEMO_ACCOUNTS: { login: string; displayName: string; role: Role; territory: string }[] = [
  {
    login: 'admin@demo.cap-iae.fr',
    displayName: 'Administratrice DRIEETS (démo)',
    role: 'admin',
    territory: 'REG-11',
  },
  {
    login: 'cor@demo.cap-iae.fr',
    displayName: 'Membre du COR-IAE (démo)',
    role: 'cor_member',
    territory: 'REG-11',
  },
  {
    login: 'cdiae93@demo.cap-iae.fr',
    displayName: 'Secrétaire du CDIAE 93 (démo)',
    role: 'cdiae_secretary',
    territory: 'DEP-93',
  },
  {
    login: 'cd77@demo.cap-iae.fr',
    displayName: 'Conseil départemental 77 (démo)',
    role: 'departmental_council',
    territory: 'DEP-77',
  },
  {
    login: 'donnees@demo.cap-iae.fr',
    displayName: 'Gestionnaire de données (démo)',
    role: 'data_manager',
    territory: 'REG-11',
  },
];

@Injectable()
export class DemoAccountsLoader {
  private readonly logger = new Logger('Démonstration');

  constructor(private readonly accounts: AccountsService) {}

  /**
   * Their password is published: outside demonstration mode they must not open anything, so a database started in
   * demo mode and later put into service keeps them, disabled.
   */
  async disableAll(): Promise<number> {
    return this.accounts.deactivateDemoAccounts();
  }

  async ensure(): Promise<string[]> {
    const created: string[] = [];
    for (const a of DEMO_ACCOUNTS) {
      if (await this.accounts.findByLogin(a.login)) continue;
      await this.accounts.create({
        login: a.login,
        displayName: a.displayName,
        password: DEMO_PASSWORD,
        roles: [{ role: a.role, territory: a.territory }],
        demo: true,
      });
      created.push(a.login);
    }
    if (created.length) {
      this.logger.log(
        `Comptes de démonstration (mot de passe « ${DEMO_PASSWORD} ») :\n` +
          DEMO_ACCOUNTS.map((a) => `    ${a.login.padEnd(26)} ${a.displayName}`).join('\n'),
      );
    }
    return created;
  }
}
