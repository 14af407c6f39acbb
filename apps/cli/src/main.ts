import 'reflect-metadata';
import { ConsoleLogger, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { revertAllMigrations, runMigrations } from '@cap-iae/database';
import { DemoLoader, ReferenceSeeder } from '@cap-iae/reference-data';
import { enterContext, isDomainError, tuneGarbageCollector } from '@cap-iae/shared';
import { AccountsService, ROLE_LABELS } from '@cap-iae/access';
import { TerritoriesService } from '@cap-iae/territories';
import { RUN_STATUS_LABELS, SourceRunner, SourcesService } from '@cap-iae/plugin-host';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProgressBar } from './progress-bar';
import { BilanGenerator, BilanRequest } from '@cap-iae/reporting';
import { StrategiesService } from '@cap-iae/strategy';
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
    .showHelpAfterError('(lancez « cap-iae --help » pour la liste des commandes)')
    // Options belong to the command they follow (`bilan --annee …` and `bilan cdiae --annee …` are different).
    .enablePositionalOptions();

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

  const bilan = program
    .command('bilan')
    .description('génère les bilans PDF (COR-IAE, CDIAE) ; --all : ceux de toute une année')
    // `bilan --all --annee 2021` and `bilan cdiae --annee 2021 …` share option names: each reads its own.
    .enablePositionalOptions()
    .option('--all', "génère le bilan COR-IAE et les bilans CDIAE de l'année")
    .option('--annee <année>', 'année du bilan (ex. 2021)')
    .option('--strategie <code>', 'stratégie (par défaut : celle de la région qui couvre l’année)')
    .option('--region <code>', 'code INSEE de la région', '11')
    .option('--dossier <dossier>', 'dossier où écrire les PDF', 'bilans')
    .action(
      async (opts: {
        all?: boolean;
        annee?: string;
        strategie?: string;
        region: string;
        dossier: string;
      }) => {
        if (!opts.all) {
          bilan.help({ error: true });
          return;
        }
        const year = yearOf(opts.annee);
        await withContext(async (ctx) => {
          await runMigrations(ctx.get(DataSource));
          const region = territoryArg('REG', opts.region);
          const strategies = (await ctx.get(StrategiesService).list()).filter(
            (s) =>
              s.territory === region &&
              s.startYear <= year &&
              s.endYear >= year &&
              (!opts.strategie || s.code === opts.strategie),
          );
          if (strategies.length === 0)
            throw new Error(
              `Aucune stratégie de ${region} ne couvre ${year}${opts.strategie ? ` sous le code ${opts.strategie}` : ''}.`,
            );
          const requests: BilanRequest[] = [];
          for (const s of strategies) {
            requests.push({ kind: 'cor-iae', territory: region, strategy: s.code, year });
            const departments = (await ctx.get(TerritoriesService).children(region)).filter(
              (t) => t.level === 'department',
            );
            for (const d of departments)
              requests.push({ kind: 'cdiae', territory: d.code, strategy: s.code, year });
          }
          const generator = ctx.get(BilanGenerator);
          const bar = new BilanProgressBar('Bilans');
          const made = await generator.generateBatch(
            requests,
            `cli:${os.userInfo().username}`,
            (done, failed) => bar.update(done, failed, done, requests.length),
          );
          bar.end();
          const outcomes: {
            request: BilanRequest;
            file: string | null;
            pages: number | null;
            error: string | null;
          }[] = [];
          for (const m of made) {
            if (!m.bilan) {
              outcomes.push({ request: m.request, file: null, pages: null, error: m.error.message });
              continue;
            }
            const name = `bilan-${m.request.kind}-${m.request.territory.slice(4)}-${m.request.strategy}-${year}.pdf`;
            const file = await generator.copyTo(m.bilan.id, path.join(opts.dossier, name));
            outcomes.push({ request: m.request, file, pages: m.bilan.pageCount, error: null });
          }
          const failed = outcomes.filter((o) => o.error !== null).length;
          for (const o of outcomes)
            process.stdout.write(
              o.file
                ? `${o.file} (${o.pages} pages)\n`
                : `Échec : bilan ${o.request.kind} ${o.request.territory} : ${o.error}\n`,
            );
          process.stdout.write(`${outcomes.length - failed} bilan(s) généré(s) sur ${outcomes.length}.\n`);
          if (failed > 0) throw new Error(`${failed} bilan(s) n'ont pas pu être générés.`);
        });
      },
    );
  bilan
    .command('cor-iae')
    .description('génère le bilan COR-IAE d’une région')
    .requiredOption('--annee <année>', 'année du bilan (ex. 2021)')
    .requiredOption('--strategie <code>', 'stratégie (ex. IDF-2021-2022)')
    .option('--region <code>', 'code INSEE de la région', '11')
    .requiredOption('--out <fichier>', 'fichier PDF à écrire')
    .action(async (opts: { annee: string; strategie: string; region: string; out: string }) => {
      await generateOne(
        {
          kind: 'cor-iae',
          territory: territoryArg('REG', opts.region),
          strategy: opts.strategie,
          year: yearOf(opts.annee),
        },
        opts.out,
      );
    });
  bilan
    .command('cdiae')
    .description('génère le bilan CDIAE d’un département')
    .requiredOption('--departement <code>', 'code INSEE du département (ex. 93)')
    .requiredOption('--annee <année>', 'année du bilan (ex. 2021)')
    .requiredOption('--strategie <code>', 'stratégie (ex. IDF-2021-2022)')
    .requiredOption('--out <fichier>', 'fichier PDF à écrire')
    .action(async (opts: { departement: string; annee: string; strategie: string; out: string }) => {
      await generateOne(
        {
          kind: 'cdiae',
          territory: territoryArg('DEP', opts.departement),
          strategy: opts.strategie,
          year: yearOf(opts.annee),
        },
        opts.out,
      );
    });

  return program;
}

/** « 11 » or « REG-11 » → « REG-11 ». */
function territoryArg(level: 'REG' | 'DEP', code: string): string {
  return code.toUpperCase().startsWith(`${level}-`) ? code.toUpperCase() : `${level}-${code.toUpperCase()}`;
}

function yearOf(text: string | undefined): number {
  const year = Number(text);
  if (!text || !Number.isInteger(year)) throw new Error('--annee : année attendue (ex. 2021)');
  return year;
}

/** One bilan: generated, archived, and copied where asked; the bar follows its steps. */
async function generateOne(request: BilanRequest, out: string): Promise<void> {
  await withContext(async (ctx) => {
    await runMigrations(ctx.get(DataSource));
    const generator = ctx.get(BilanGenerator);
    const bar = new BilanProgressBar('Bilan');
    const made = await generator.generate(request, `cli:${os.userInfo().username}`, (p) =>
      bar.update(p.percent, 0, p.percent, 100, p.step),
    );
    bar.end();
    const file = await generator.copyTo(made.id, out);
    process.stdout.write(`${file} (${made.pageCount} pages, empreinte des données ${made.dataHash}).\n`);
  });
}

/** The import's progress bar, counting bilans (or percent of one bilan) instead of rows. */
class BilanProgressBar extends ProgressBar {
  private last = -1;
  private readonly onTerminal = Boolean(process.stderr.isTTY);

  constructor(private readonly what: string) {
    super(what);
  }

  override update(done: number, failed: number, _done?: number, total?: number, step?: string): void {
    const ratio = total ? Math.min(1, done / total) : 0;
    const text =
      total === 100 && step !== undefined
        ? `${this.what} : ${done} % (${step})`
        : `${this.what} : ${done} sur ${total ?? '?'}${failed ? `, ${failed} en échec` : ''}`;
    if (this.onTerminal) {
      const width = 24;
      process.stderr.write(`\r[${'='.repeat(Math.round(ratio * width)).padEnd(width, ' ')}] ${text}\u001b[K`);
    } else if (Math.floor(ratio * 10) > this.last || total !== 100) {
      this.last = Math.floor(ratio * 10);
      process.stderr.write(`${text}\n`);
    }
  }
}

tuneGarbageCollector();
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
