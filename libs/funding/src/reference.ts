import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIT_SINK, AuditSink } from '@cap-iae/shared';
import { inTransaction } from '@cap-iae/database';
import { Funder, FunderKind, FundingScheme } from './funding.entities';

export interface ReferenceFunder {
  code: string;
  label: string;
  kind: FunderKind;
  territory: string | null;
}

export interface ReferenceScheme {
  code: string;
  label: string;
  funderKinds: FunderKind[];
  description: string;
}

/** Codes the conférence and the demo data rely on. */
export const STATE_FUNDER = 'ETAT';
export const AIDE_AU_POSTE_SCHEME = 'AIDE_POSTE';

/** Paris exercises the départemental powers itself (Ville de Paris): same role in the conférence des financeurs. */
const COUNCILS: [string, string][] = [
  ['75', 'Ville de Paris (compétences départementales)'],
  ['77', 'Conseil départemental de Seine-et-Marne'],
  ['78', 'Conseil départemental des Yvelines'],
  ['91', 'Conseil départemental de l’Essonne'],
  ['92', 'Conseil départemental des Hauts-de-Seine'],
  ['93', 'Conseil départemental de la Seine-Saint-Denis'],
  ['94', 'Conseil départemental du Val-de-Marne'],
  ['95', 'Conseil départemental du Val-d’Oise'],
];

/**
 * The funders every Île-de-France conférence des financeurs meets. Other régions' funders are created by an
 * administrator (POST /api/v1/funders): one conseil départemental per département would be 101 rows nobody uses yet.
 */
export const REFERENCE_FUNDERS: ReferenceFunder[] = [
  { code: STATE_FUNDER, label: 'État (DREETS / DDETS)', kind: 'state', territory: 'FR' },
  { code: 'REGION-11', label: 'Région Île-de-France', kind: 'region', territory: 'REG-11' },
  ...COUNCILS.map(
    ([dep, label]): ReferenceFunder => ({
      code: `CD-${dep}`,
      label,
      kind: 'departmental_council',
      territory: `DEP-${dep}`,
    }),
  ),
  { code: 'FSE', label: 'Fonds social européen (FSE+)', kind: 'esf', territory: null },
  {
    code: 'FRANCE-TRAVAIL',
    label: 'France Travail (ex-Pôle emploi)',
    kind: 'employment_service',
    territory: 'FR',
  },
  { code: 'BLOC-COMMUNAL', label: 'EPT et communes', kind: 'municipal', territory: null },
];

export const REFERENCE_SCHEMES: ReferenceScheme[] = [
  {
    code: AIDE_AU_POSTE_SCHEME,
    label: 'Aide au poste d’insertion',
    funderKinds: ['state'],
    description:
      'Montant socle par ETP d’insertion selon le type de SIAE, plus une part modulée de 0 à 10 %.',
  },
  {
    code: 'FDI',
    label: 'FDI — fonds de développement de l’inclusion',
    funderKinds: ['state'],
    description: 'Aides au démarrage, au développement et à la consolidation des SIAE.',
  },
  {
    code: 'CDDI_RSA',
    label: 'Co-financement RSA / CDDI',
    funderKinds: ['departmental_council'],
    description:
      'Part de l’aide au poste prise en charge par le département pour les salariés bénéficiaires du RSA.',
  },
  {
    code: 'GAMME_UP',
    label: 'Gamme UP',
    funderKinds: ['region'],
    description:
      'Aides régionales à l’investissement et au développement des structures de l’ESS et de l’IAE.',
  },
  {
    code: 'PM_UP',
    label: 'PM’up',
    funderKinds: ['region'],
    description: 'Aide régionale à la croissance des PME, ouverte aux entreprises d’insertion.',
  },
  {
    code: 'PIC_EDEC',
    label: 'PIC / EDEC (formation)',
    funderKinds: ['state', 'region', 'employment_service'],
    description:
      'Plan d’investissement dans les compétences et engagements de développement de l’emploi et des compétences.',
  },
  {
    code: 'FSE_INCLUSION',
    label: 'FSE inclusion',
    funderKinds: ['esf'],
    description:
      'Crédits du Fonds social européen pour l’inclusion (accompagnement des salariés en insertion).',
  },
  {
    code: 'CAOM',
    label: 'CAOM — convention annuelle d’objectifs et de moyens',
    funderKinds: ['departmental_council'],
    description:
      'Convention du département avec la structure : accompagnement et encadrement des salariés en insertion.',
  },
  {
    code: 'AUTRE',
    label: 'Autre',
    funderKinds: [
      'state',
      'region',
      'departmental_council',
      'esf',
      'municipal',
      'employment_service',
      'other',
    ],
    description: 'Tout autre financement (subventions de fonctionnement, appels à projets…).',
  },
];

/**
 * Seeds the reference funders and schemes, inserting only the codes that are missing: an administrator's later
 * edits of a label are never overwritten, and running it again (or from two instances at once) adds nothing.
 *
 * The core's Bootstrapper does not know this library's reference data; the funding services therefore call
 * `ensure()` lazily before their first read or write, and the demo loader calls it too. Once it has succeeded in a
 * process it costs nothing.
 */
@Injectable()
export class FundingReferenceSeeder {
  private readonly logger = new Logger('Financements');
  private done?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  ensure(): Promise<void> {
    const pending = (this.done ??= this.run().then(
      () => undefined,
      (e: unknown) => {
        // A failed attempt (a database not migrated yet…) is retried at the next use rather than remembered.
        this.done = undefined;
        throw e;
      },
    ));
    return pending;
  }

  /** Inserts the missing reference funders and schemes; returns how many rows were added. */
  async run(): Promise<number> {
    const added = await inTransaction(this.dataSource, async (em) => {
      const now = new Date().toISOString();
      const knownTerritories = new Set(
        (await em.query<{ code: string }[]>('SELECT code FROM territory')).map((r) => r.code),
      );
      const funders = await em.getRepository(Funder).find({ select: { code: true } });
      const schemes = await em.getRepository(FundingScheme).find({ select: { code: true } });
      const haveFunder = new Set(funders.map((f) => f.code));
      const haveScheme = new Set(schemes.map((s) => s.code));
      const newFunders = REFERENCE_FUNDERS.filter((f) => !haveFunder.has(f.code)).map((f) => ({
        code: f.code,
        label: f.label,
        kind: f.kind,
        // Without territories (a database not seeded yet) the funder is still useful; its territory comes later.
        territoryCode: f.territory && knownTerritories.has(f.territory) ? f.territory : null,
        isReference: true,
        updatedBy: null,
        updatedAt: now,
        version: 1,
      }));
      const newSchemes = REFERENCE_SCHEMES.filter((s) => !haveScheme.has(s.code)).map((s) => ({
        code: s.code,
        label: s.label,
        funderKinds: s.funderKinds.join(','),
        description: s.description,
        isReference: true,
        updatedBy: null,
        updatedAt: now,
        version: 1,
      }));
      // `orIgnore`: another instance seeding at the same moment is not an error.
      if (newFunders.length)
        await em
          .createQueryBuilder()
          .insert()
          .into(Funder)
          .values(newFunders)
          .orIgnore()
          .updateEntity(false)
          .execute();
      if (newSchemes.length)
        await em
          .createQueryBuilder()
          .insert()
          .into(FundingScheme)
          .values(newSchemes)
          .orIgnore()
          .updateEntity(false)
          .execute();
      // A reference funder created before its territory existed gets it now.
      for (const f of REFERENCE_FUNDERS) {
        if (f.territory && knownTerritories.has(f.territory)) {
          await em
            .createQueryBuilder()
            .update(Funder)
            .set({ territoryCode: f.territory })
            .where('code = :code AND territory_code IS NULL', { code: f.code })
            .execute();
        }
      }
      return { funders: newFunders.length, schemes: newSchemes.length };
    });
    const total = added.funders + added.schemes;
    if (total > 0) {
      this.logger.log(
        `Référentiel des financements : ${added.funders} financeur(s), ${added.schemes} dispositif(s)`,
      );
      await this.audit?.record({
        action: 'chargement du référentiel',
        objectType: 'référentiel des financements',
        objectId: 'financements',
        summary: `${added.funders} financeur(s) et ${added.schemes} dispositif(s) de référence ajoutés`,
      });
    }
    return total;
  }
}
