import 'reflect-metadata';
import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { revertAllMigrations, runMigrations } from '@cap-iae/database';
import { DemoLoader, ReferenceSeeder } from '@cap-iae/reference-data';
import { enterContext, isDomainError } from '@cap-iae/shared';
import { AccountsService, ROLE_LABELS } from '@cap-iae/access';
import { RUN_STATUS_LABELS, SourceRunner, SourcesService } from '@cap-iae/plugin-host';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProgressBar } from './progress-bar';
import * as os from 'node:os';

/** Nest's start-up chatter says nothing to a person running a command; the application's own messages stay. */
class CliLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context === 'InstanceLoader' || context === 'NestFactory') return;
    super.log(message, context);
  }
}

async function withContext<T>(work: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  // Changes made from the command line are audited as such, with the system account that ran them.
  enterContext({ actor: `cli:${os.userInfo().username}`, channel: 'cli' });
  const config = loadConfig();
  const logger = new CliLogger();
  const levels = {
    error: ['fatal', 'error'],
    warn: ['fatal', 'error', 'warn'],
    log: ['fatal', 'error', 'warn', 'log'],
    debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  } as const;
  logger.setLogLevels([...levels[config.logLevel]]);
  const ctx = await NestFactory.createApplicationContext(CoreModule.forRoot(config), { logger });
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

/** Prints what a run did, its first rejected rows, and fails the command when the run failed. */
async function reportRun(
  ctx: INestApplicationContext,
  run: {
    id: number;
    status: keyof typeof RUN_STATUS_LABELS;
    rowsRead: number;
    rowsAccepted: number;
    rowsRejected: number;
    rowsWritten: number;
    durationMs: number | null;
    errorMessage: string | null;
  },
): Promise<void> {
  const seconds = (run.durationMs ?? 0) / 1000;
  process.stdout.write(
    `Exécution ${run.id} ${RUN_STATUS_LABELS[run.status]} : ${run.rowsRead} ligne(s) lue(s), ${run.rowsAccepted} acceptée(s), ` +
      `${run.rowsRejected} rejetée(s), ${run.rowsWritten} valeur(s) créée(s) ou modifiée(s) en ${seconds.toFixed(1).replace('.', ',')} s.\n`,
  );
  if (run.rowsRejected > 0) {
    const { items, total } = await ctx.get(SourcesService).rejections(run.id, 20, 0);
    for (const r of items)
      process.stdout.write(`  ligne ${r.line ?? '?'}${r.field ? ` (${r.field})` : ''} : ${r.reason}\n`);
    if (total > items.length)
      process.stdout.write(
        `  … et ${run.rowsRejected - items.length} autre(s) (voir la page de l'exécution).\n`,
      );
  }
  if (run.status === 'failed') throw new Error(run.errorMessage ?? 'exécution échouée');
}

export function buildProgram(): Command {
  const program = new Command()
    .name('cap-iae')
    .description('Cap IAE en ligne de commande : base de données, référentiel, données de démonstration')
    .helpOption('-h, --help', "affiche l'aide")
    .addHelpCommand('help [commande]', "affiche l'aide d'une commande")
    .showHelpAfterError('(lancez « cap-iae --help » pour la liste des commandes)');

  program
    .command('setup')
    .description('migre la base, charge le référentiel et, si demandé, les données de démonstration')
    .option('--demo', 'charge les données de démonstration (une seule fois)')
    .option('--no-demo', 'ne charge pas les données de démonstration')
    .action(async (opts: { demo?: boolean }) => {
      const report = await withContext((ctx) => ctx.get(Bootstrapper).prepare({ demo: opts.demo }));
      process.stdout.write(
        `Base prête : ${report.migrations.length} migration(s) appliquée(s), référentiel ${report.reference === 'loaded' ? 'chargé' : 'à jour'}, ` +
          `démonstration ${{ loaded: 'chargée', already: 'déjà présente', disabled: 'non demandée' }[report.demo]}.\n`,
      );
    });

  program
    .command('migrate')
    .description('applique les migrations en attente (ou les annule toutes avec --revert-all)')
    .option('--revert-all', 'annule toutes les migrations (efface le schéma)')
    .action(async (opts: { revertAll?: boolean }) => {
      await withContext(async (ctx) => {
        const ds = ctx.get(DataSource);
        if (opts.revertAll)
          process.stdout.write(`${await revertAllMigrations(ds)} migration(s) annulée(s).\n`);
        else process.stdout.write(`${(await runMigrations(ds)).length} migration(s) appliquée(s).\n`);
      });
    });

  program
    .command('reference')
    .description(
      'recharge le référentiel (territoires, stratégies, Pacte, indicateurs, valeurs de référence)',
    )
    .action(async () => {
      const report = await withContext((ctx) => ctx.get(ReferenceSeeder).run());
      process.stdout.write(
        `${report.territories} territoires, ${report.strategies} stratégies, ${report.objectives} objectifs, ` +
          `${report.pactMeasures} mesures du Pacte, ${report.indicators} indicateurs, ${report.referenceValues} valeurs de référence.\n`,
      );
    });

  program
    .command('demo')
    .description('charge les données de démonstration (marquées comme telles partout où elles apparaissent)')
    .option('--force', 'recharge même si elles sont déjà présentes')
    .action(async (opts: { force?: boolean }) => {
      await withContext(async (ctx) => {
        const loader = ctx.get(DemoLoader);
        if (!opts.force && (await loader.isLoaded())) {
          process.stdout.write('Les données de démonstration sont déjà chargées (--force pour recharger).\n');
          return;
        }
        const r = await loader.load();
        process.stdout.write(`${r.observations} valeurs et ${r.targets} cibles de démonstration chargées.\n`);
      });
    });

  program
    .command('import <fichier>')
    .description(
      'importe un fichier CSV ou XLSX par une source « fichier » (sa correspondance de colonnes), avec barre de progression',
    )
    .requiredOption('--source <id>', 'numéro de la source (voir « cap-iae sources list »)')
    .option('--apercu', 'vérifie tout et liste les lignes rejetées, sans rien écrire')
    .action(async (file: string, opts: { source: string; apercu?: boolean }) => {
      const full = path.resolve(file);
      if (!fs.existsSync(full)) throw new Error(`Fichier introuvable : ${full}`);
      await withContext(async (ctx) => {
        await ctx.get(Bootstrapper).prepare({ demo: false });
        const bar = new ProgressBar(opts.apercu ? 'Aperçu' : 'Import');
        const run = await ctx.get(SourceRunner).run(Number(opts.source), {
          trigger: 'cli',
          triggeredBy: `cli:${os.userInfo().username}`,
          file: { path: full, originalName: path.basename(full) },
          preview: Boolean(opts.apercu),
          onProgress: (p) => bar.update(p.rowsRead, p.rowsRejected, p.done, p.total),
        });
        bar.end();
        await reportRun(ctx, run);
      });
    });

  const sources = program.command('sources').description('sources de données');
  sources
    .command('list')
    .description('liste les sources, leur état et leur dernière exécution')
    .action(async () => {
      await withContext(async (ctx) => {
        for (const s of await ctx.get(SourcesService).list()) {
          process.stdout.write(
            `${s.id}\t${s.name}\t${s.pluginId}\t${s.territory}\t${s.statusLabel}\t${s.lastRunAt ?? 'jamais'}\n`,
          );
        }
      });
    });
  sources
    .command('run <id>')
    .description('lance une source maintenant (hors sources « fichier », voir « import »)')
    .action(async (id: string) => {
      await withContext(async (ctx) => {
        const bar = new ProgressBar('Exécution');
        const run = await ctx.get(SourceRunner).run(Number(id), {
          trigger: 'cli',
          triggeredBy: `cli:${os.userInfo().username}`,
          onProgress: (p) => bar.update(p.rowsRead, p.rowsRejected, p.done, p.total),
        });
        bar.end();
        await reportRun(ctx, run);
      });
    });

  const users = program.command('users').description('comptes utilisateurs');
  users
    .command('create-admin')
    .description("crée un administrateur régional ; le mot de passe provisoire s'affiche une seule fois")
    .requiredOption('--login <email>', 'identifiant (adresse électronique)')
    .requiredOption('--nom <nom>', 'nom affiché')
    .option('--region <code>', 'code INSEE de la région', '11')
    .action(async (opts: { login: string; nom: string; region: string }) => {
      await withContext(async (ctx) => {
        await ctx.get(Bootstrapper).prepare({ demo: false });
        const { user, password } = await ctx.get(AccountsService).create({
          login: opts.login,
          displayName: opts.nom,
          roles: [{ role: 'admin', territory: `REG-${opts.region}` }],
        });
        process.stdout.write(
          `Administrateur créé : ${user.login} (${ROLE_LABELS.admin}, REG-${opts.region}).\n` +
            `Mot de passe provisoire, à changer à la première connexion : ${password}\n`,
        );
      });
    });
  users
    .command('list')
    .description('liste les comptes et leurs rôles')
    .action(async () => {
      await withContext(async (ctx) => {
        for (const u of await ctx.get(AccountsService).list()) {
          const roles = u.roles.map((r) => `${r.label} (${r.territory})`).join(', ') || 'aucun rôle';
          process.stdout.write(
            `${u.login}\t${u.displayName}\t${u.active ? 'actif' : 'désactivé'}\t${roles}\n`,
          );
        }
      });
    });
  users
    .command('reset-password <login>')
    .description("réinitialise le mot de passe d'un compte (affiché une seule fois) et ferme ses sessions")
    .action(async (login: string) => {
      await withContext(async (ctx) => {
        const accounts = ctx.get(AccountsService);
        const user = await accounts.findByLogin(login);
        if (!user) throw new Error(`Compte inconnu : ${login}`);
        process.stdout.write(`Nouveau mot de passe provisoire : ${await accounts.resetPassword(user.id)}\n`);
      });
    });

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (isDomainError(error)) {
      process.stderr.write(`Erreur : ${error.message}\n`);
      for (const issue of error.issues.slice(0, 50))
        process.stderr.write(`  - ${issue.field} : ${issue.message}\n`);
    } else process.stderr.write(`Erreur : ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
