import * as fs from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { territoryCode } from '@cap-iae/shared';
import { Territory, TerritoriesService } from '@cap-iae/territories';
import { Axis, NationalPact, Objective, PactEngagement, PactMeasure, Strategy } from '@cap-iae/strategy';
import { Indicator, IndicatorCatalogService, ObservationInput, ObservationStore } from '@cap-iae/indicators';
import { inTransaction } from '@cap-iae/database';
import { readReferenceJson } from './repo-path';
import type { IndicatorFile, PactFile, ReferenceValueFile, StrategyFile } from './reference-files';

interface CogRegion {
  code: string;
  nom: string;
  zone: string;
}
interface CogDepartement extends CogRegion {
  region: string;
}

export interface ReferenceSeedReport {
  territories: number;
  strategies: number;
  objectives: number;
  pactMeasures: number;
  indicators: number;
  referenceValues: number;
  referenceValuesWritten: number;
}

/**
 * Loads reference data keyed on natural codes: running it again updates titles and links in place and creates no
 * duplicates, so it runs at every start.
 */
@Injectable()
export class ReferenceSeeder {
  private readonly logger = new Logger('Référentiel');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly territories: TerritoriesService,
    private readonly catalog: IndicatorCatalogService,
    private readonly store: ObservationStore,
  ) {}

  async run(): Promise<ReferenceSeedReport> {
    const report = await inTransaction(this.dataSource, async (em) => {
      const territories = await this.seedTerritories(em);
      const pactMeasures = await this.seedPact(em);
      const { strategies, objectives } = await this.seedStrategies(em);
      const indicators = await this.seedIndicators(em);
      return { territories, strategies, objectives, pactMeasures, indicators };
    });
    this.territories.invalidate();
    this.catalog.invalidate();
    const values = readReferenceJson<ReferenceValueFile[]>('reference-values.json');
    const written = await this.seedReferenceValues(values);
    this.logger.log(
      `${report.territories} territoires, ${report.strategies} stratégies (${report.objectives} objectifs), ` +
        `${report.pactMeasures} mesures du Pacte, ${report.indicators} indicateurs, ${values.length} valeurs de référence`,
    );
    return { ...report, referenceValues: values.length, referenceValuesWritten: written };
  }

  private async seedTerritories(em: EntityManager): Promise<number> {
    // The COG package's loader reads relative to the working directory, so its data files are required directly.
    const regions = readCog<CogRegion>('regions.json').filter(inFrance);
    const departements = readCog<CogDepartement>('departements.json').filter(inFrance);
    const rows: Partial<Territory>[] = [
      { code: 'FR', level: 'country', officialCode: 'FR', name: 'France', parentCode: null },
      ...regions.map((r) => ({
        code: territoryCode('region', r.code),
        level: 'region' as const,
        officialCode: r.code,
        name: r.nom,
        parentCode: 'FR',
      })),
      ...departements.map((d) => ({
        code: territoryCode('department', d.code),
        level: 'department' as const,
        officialCode: d.code,
        name: d.nom,
        parentCode: territoryCode('region', d.region),
      })),
    ];
    // Parents before children, so that the self-reference holds row by row.
    await em.getRepository(Territory).upsert(rows, ['code']);
    return rows.length;
  }

  private async seedPact(em: EntityManager): Promise<number> {
    const pact = readReferenceJson<PactFile>('pacte.json');
    await em
      .getRepository(NationalPact)
      .upsert({ code: pact.code, title: pact.title, year: pact.year, source: pact.source }, ['code']);
    const pactId = (await em.getRepository(NationalPact).findOneByOrFail({ code: pact.code })).id;
    let count = 0;
    for (const e of pact.engagements) {
      await em
        .getRepository(PactEngagement)
        .upsert({ pactId, number: e.number, title: e.title }, ['pactId', 'number']);
      const engagementId = (
        await em.getRepository(PactEngagement).findOneByOrFail({ pactId, number: e.number })
      ).id;
      await em.getRepository(PactMeasure).upsert(
        e.measures.map((m) => ({ engagementId, number: m.number, title: m.title })),
        ['engagementId', 'number'],
      );
      count += e.measures.length;
    }
    return count;
  }

  private async seedStrategies(em: EntityManager): Promise<{ strategies: number; objectives: number }> {
    const files = readReferenceJson<StrategyFile[]>('strategies.json');
    const measures = await em.getRepository(PactMeasure).find();
    const measureByNumber = new Map(measures.map((m) => [m.number, m]));
    let objectives = 0;
    for (const s of files) {
      await em.getRepository(Strategy).upsert(
        {
          code: s.code,
          title: s.title,
          territoryCode: territoryCode('region', s.regionCode),
          startYear: s.startYear,
          endYear: s.endYear,
          source: s.source,
        },
        ['code'],
      );
      const strategyId = (await em.getRepository(Strategy).findOneByOrFail({ code: s.code })).id;
      for (const a of s.axes) {
        await em
          .getRepository(Axis)
          .upsert({ strategyId, number: a.number, title: a.title }, ['strategyId', 'number']);
        const axisId = (await em.getRepository(Axis).findOneByOrFail({ strategyId, number: a.number })).id;
        for (const o of a.objectives) {
          await em
            .getRepository(Objective)
            .upsert({ axisId, number: o.number, title: o.title }, ['axisId', 'number']);
          const objective = await em
            .getRepository(Objective)
            .findOneOrFail({ where: { axisId, number: o.number } });
          objective.pactMeasures = (o.pacteMeasures ?? []).map((n) => {
            const m = measureByNumber.get(n);
            if (!m) throw new Error(`Mesure ${n} du Pacte inconnue (objectif ${s.code}/${o.number})`);
            return m;
          });
          await em.getRepository(Objective).save(objective);
          objectives += 1;
        }
      }
    }
    return { strategies: files.length, objectives };
  }

  private async seedIndicators(em: EntityManager): Promise<number> {
    const files = readReferenceJson<IndicatorFile[]>('indicators.json');
    const objectives = await em
      .getRepository(Objective)
      .createQueryBuilder('o')
      .innerJoinAndSelect('o.axis', 'a')
      .innerJoinAndSelect('a.strategy', 's')
      .getMany();
    const byRef = new Map(objectives.map((o) => [`${o.axis!.strategy!.code}/${o.number}`, o]));
    const repo = em.getRepository(Indicator);
    await repo.upsert(
      files.map(({ objectives: _links, ...i }) => i),
      ['code'],
    );
    const saved = await repo.find({ where: { code: In(files.map((f) => f.code)) } });
    const byCode = new Map(saved.map((i) => [i.code, i]));
    for (const f of files) {
      const indicator = byCode.get(f.code)!;
      indicator.objectives = f.objectives.map((ref) => {
        const o = byRef.get(ref);
        if (!o) throw new Error(`Objectif « ${ref} » inconnu (indicateur ${f.code})`);
        return o;
      });
      await repo.save(indicator);
    }
    return files.length;
  }

  private async seedReferenceValues(values: ReferenceValueFile[]): Promise<number> {
    const bySource = new Map<string, ObservationInput[]>();
    for (const v of values) {
      const list = bySource.get(v.source) ?? [];
      list.push({
        indicator: v.indicator,
        territory: referenceTerritory(v.territory),
        period: String(v.year),
        dimensions: v.dimensions,
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
        status: 'validated',
        sourceLabel: v.sourceRef,
        doubtful: v.doubtful,
        note: v.note,
      });
      bySource.set(v.source, list);
    }
    let written = 0;
    for (const [source, records] of bySource) {
      const result = await this.store.upsert(
        records,
        { kind: 'reference', ref: source },
        {
          describe: (i) => `reference-values.json (${source}, valeur ${i + 1})`,
        },
      );
      written += result.written;
    }
    return written;
  }
}

function readCog<T>(file: string): T[] {
  return JSON.parse(
    fs.readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${file}`), 'utf8'),
  ) as T[];
}

function inFrance(t: { zone: string }): boolean {
  return t.zone === 'metro' || t.zone === 'drom';
}

/**
 * The reference file covers Île-de-France only: `11` is the région, `FR` the nation, any other code a département
 * (région and département codes overlap elsewhere — 75, 93, 94 — which is why the stored codes carry their level).
 */
function referenceTerritory(code: string): string {
  if (code === 'FR') return 'FR';
  if (code === '11') return territoryCode('region', code);
  return territoryCode('department', code);
}
