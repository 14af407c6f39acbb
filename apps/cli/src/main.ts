import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { revertAllMigrations, runMigrations } from '@cap-iae/database';
import { DemoLoader, ReferenceSeeder } from '@cap-iae/reference-data';
import { isDomainError } from '@cap-iae/shared';

async function withContext<T>(work: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const ctx = await NestFactory.createApplicationContext(CoreModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
  });
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
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
