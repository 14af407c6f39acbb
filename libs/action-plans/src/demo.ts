import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Strategy } from '@cap-iae/strategy';
import { AUDIT_SINK, AuditSink, seededRandom } from '@cap-iae/shared';
import { ActionStatus, BudgetLine, checkAction, PlanStatus } from './plan-model';
import { PlansService } from './plans.service';

export const PLAN_DEMO_SEED = 20_211_115;
export const PLAN_DEMO_STRATEGY = 'IDF-2021-2022';

const DEPARTMENTS: { code: string; name: string; network: string; cd: string }[] = [
  { code: 'DEP-75', name: 'Paris', network: 'Grafie (inter-réseau régional)', cd: 'Ville de Paris (DASES)' },
  {
    code: 'DEP-77',
    name: 'Seine-et-Marne',
    network: 'Sinacté',
    cd: 'Conseil départemental de Seine-et-Marne',
  },
  { code: 'DEP-78', name: 'Yvelines', network: 'FLES 78', cd: 'Conseil départemental des Yvelines' },
  { code: 'DEP-91', name: 'Essonne', network: "Act'Essonne", cd: "Conseil départemental de l'Essonne" },
  {
    code: 'DEP-92',
    name: 'Hauts-de-Seine',
    network: 'Grafie (inter-réseau régional)',
    cd: 'Conseil départemental des Hauts-de-Seine',
  },
  {
    code: 'DEP-93',
    name: 'Seine-Saint-Denis',
    network: "Inser'éco 93",
    cd: 'Conseil départemental de la Seine-Saint-Denis',
  },
  { code: 'DEP-94', name: 'Val-de-Marne', network: 'RIAE 94', cd: 'Conseil départemental du Val-de-Marne' },
  { code: 'DEP-95', name: "Val-d'Oise", network: 'Voie 95', cd: "Conseil départemental du Val-d'Oise" },
];

type PilotKind = 'dreets' | 'cd' | 'network' | 'ft';

interface Template {
  title: string;
  description: string;
  objectives: string[];
  indicators: string[];
  pilot: PilotKind;
  person: string;
  partners: PilotKind[];
  extraPartners: string[];
  budget: number;
}

/** Actions as departmental plans of the 2021-2022 strategy write them (invented, plausible). */
const TEMPLATES: Template[] = [
  {
    title: "Organiser un forum de l'IAE avec les entreprises du territoire",
    description:
      'Une journée de rencontre entre SIAE, entreprises et prescripteurs : job dating, présentation des structures, témoignages de salariés en parcours.',
    objectives: ['1.2', '3.5'],
    indicators: ['CONTRATS_PASSERELLES_NB'],
    pilot: 'network',
    person: 'Chargée de développement',
    partners: ['ft', 'cd'],
    extraPartners: ["Chambre de commerce et d'industrie"],
    budget: 15_000,
  },
  {
    title: 'Mettre en place un comité de suivi des parcours avec France Travail',
    description:
      'Un comité mensuel réunit SIAE, France Travail et référents RSA pour examiner les parcours qui stagnent et préparer les sorties.',
    objectives: ['3.2'],
    indicators: ['TX_SORTIES_DYNAMIQUES', 'TX_SALARIES_ACCOMPAGNES'],
    pilot: 'ft',
    person: 'Référente IAE',
    partners: ['dreets', 'network'],
    extraPartners: [],
    budget: 0,
  },
  {
    title: "Réaliser un diagnostic partagé de l'offre d'insertion par bassin d'emploi",
    description:
      "Croiser les besoins des publics, l'offre des SIAE et les besoins de recrutement des entreprises, bassin par bassin, pour repérer les zones blanches.",
    objectives: ['1.1'],
    indicators: ['SIAE_NB', 'SAL_INSERTION_NB'],
    pilot: 'dreets',
    person: 'Chargé de mission IAE',
    partners: ['cd', 'ft', 'network'],
    extraPartners: [],
    budget: 20_000,
  },
  {
    title: 'Développer les clauses sociales dans les marchés publics des collectivités',
    description:
      'Accompagner les acheteurs publics (communes, EPT, bailleurs) dans le repérage des marchés clausables et orienter les heures vers les SIAE.',
    objectives: ['1.2'],
    indicators: ['CLAUSES_HEURES_INSERTION', 'MARCHES_CLAUSES_NB'],
    pilot: 'cd',
    person: 'Facilitatrice des clauses sociales',
    partners: ['dreets', 'network'],
    extraPartners: ['Maison de l’emploi'],
    budget: 45_000,
  },
  {
    title: "Accompagner l'émergence de SIAE sur les filières du réemploi et de la logistique",
    description:
      "Appel à projets et accompagnement renforcé des porteurs, de l'étude d'opportunité au conventionnement.",
    objectives: ['2.1', '2.2'],
    indicators: ['SIAE_CREATIONS_NB', 'SIAE_NOUVELLES_FILIERES_NB'],
    pilot: 'dreets',
    person: 'Responsable du pôle insertion',
    partners: ['network'],
    extraPartners: ['France Active', 'Région Île-de-France'],
    budget: 120_000,
  },
  {
    title: "Renforcer l'orientation des allocataires du RSA vers l'IAE",
    description:
      'Informer les référents RSA, organiser des réunions collectives et suivre les prescriptions vers les SIAE du département.',
    objectives: ['3.1'],
    indicators: ['PART_RSA', 'CANDIDATS_PRESCRITS_CD_NB'],
    pilot: 'cd',
    person: 'Cheffe du service insertion',
    partners: ['ft', 'network'],
    extraPartners: [],
    budget: 30_000,
  },
  {
    title: 'Déployer un plan de formation mutualisé des salariés en insertion',
    description:
      'Achat groupé de formations pré-qualifiantes et qualifiantes entre SIAE, avec l’OPCO et le PIC IAE.',
    objectives: ['3.4'],
    indicators: ['TX_SALARIES_FORMES', 'HEURES_FORMATION'],
    pilot: 'network',
    person: 'Coordinatrice formation',
    partners: ['dreets'],
    extraPartners: ['OPCO Uniformation', 'Région Île-de-France'],
    budget: 80_000,
  },
  {
    title: 'Lever les freins à la mobilité : ateliers mobilité et aide au permis',
    description:
      'Diagnostic mobilité en début de parcours, ateliers, location de véhicules et aide au permis B.',
    objectives: ['3.3'],
    indicators: ['MOBILITE_BENEFICIAIRES_NB'],
    pilot: 'cd',
    person: 'Chargé de mission mobilité',
    partners: ['network'],
    extraPartners: ['Plateforme mobilité départementale'],
    budget: 35_000,
  },
  {
    title: 'Animer des rencontres SIAE – entreprises pour développer les PMSMP',
    description:
      'Cycles de visites d’entreprises et mises en situation professionnelle pour préparer les sorties vers l’emploi durable.',
    objectives: ['3.5'],
    indicators: ['TX_PMSMP', 'TX_SORTIES_EMPLOI_DURABLE'],
    pilot: 'ft',
    person: 'Conseillère entreprises',
    partners: ['network'],
    extraPartners: ['Clubs d’entreprises'],
    budget: 10_000,
  },
  {
    title: "Favoriser l'accès des femmes aux parcours d'insertion",
    description:
      "Identifier les freins (garde d'enfants, métiers proposés), ouvrir des supports d'activité mixtes et suivre la part des femmes.",
    objectives: ['3.1'],
    indicators: ['PART_FEMMES'],
    pilot: 'dreets',
    person: 'Chargée de mission égalité',
    partners: ['cd', 'network'],
    extraPartners: ['CIDFF'],
    budget: 12_000,
  },
  {
    title: 'Orienter les jeunes de moins de 26 ans vers les SIAE avec les missions locales',
    description: 'Conventions avec les missions locales, information collective et parrainage.',
    objectives: ['3.1', '4.2'],
    indicators: ['PART_JEUNES_26'],
    pilot: 'network',
    person: 'Chargé de partenariats',
    partners: ['ft'],
    extraPartners: ['Missions locales'],
    budget: 8_000,
  },
  {
    title: 'Tenir deux CDIAE stratégiques par an et un suivi trimestriel du plan',
    description:
      'Ordre du jour partagé, tableau de bord du plan et des indicateurs, compte rendu diffusé aux membres.',
    objectives: ['4.1'],
    indicators: ['CDIAE_REUNIONS_NB', 'PLANS_ACTIONS_DEPT_NB'],
    pilot: 'dreets',
    person: 'Secrétaire du CDIAE',
    partners: ['cd'],
    extraPartners: [],
    budget: 0,
  },
  {
    title: "Réunir la conférence des financeurs de l'IAE",
    description:
      "Partager chaque année qui finance quoi (aide au poste, FDI, RSA, FSE) et les priorités de l'année.",
    objectives: ['4.1'],
    indicators: ['CONFERENCES_FINANCEURS_NB', 'FIN_CD'],
    pilot: 'cd',
    person: 'Directrice de l’insertion',
    partners: ['dreets', 'ft'],
    extraPartners: ['Région Île-de-France'],
    budget: 0,
  },
  {
    title: 'Professionnaliser les encadrants techniques et les CIP des SIAE',
    description: 'Modules de formation et analyse de pratiques pour les permanents des structures.',
    objectives: ['3.2'],
    indicators: ['PROFESSIONNALISATION_ACTIONS_NB', 'PROFESSIONNALISATION_PARTICIPANTS_NB'],
    pilot: 'network',
    person: 'Responsable de la professionnalisation',
    partners: [],
    extraPartners: ['OPCO Uniformation'],
    budget: 25_000,
  },
  {
    title: "Participer à l'expérimentation des contrats passerelles",
    description:
      'Repérer les salariés prêts à une mise à disposition en entreprise et accompagner les employeurs.',
    objectives: ['1.3', '3.5'],
    indicators: ['CONTRATS_PASSERELLES_NB', 'SIAE_EXPERIMENTATIONS_NB'],
    pilot: 'dreets',
    person: 'Chargé de mission IAE',
    partners: ['network', 'ft'],
    extraPartners: [],
    budget: 18_000,
  },
  {
    title: 'Accompagner les SIAE fragiles avec le DLA et le fonds de développement de l’inclusion',
    description: 'Repérage en dialogue de gestion, diagnostic DLA et aide FDI à la consolidation.',
    objectives: ['2.1', '2.3'],
    indicators: ['DLA_SIAE_ACCOMPAGNEES_NB', 'FIN_FDI'],
    pilot: 'dreets',
    person: 'Responsable du pôle insertion',
    partners: ['network'],
    extraPartners: ['Dispositif local d’accompagnement'],
    budget: 150_000,
  },
  {
    title: "Développer l'offre d'insertion dans les quartiers prioritaires non couverts",
    description: 'Soutenir l’implantation de chantiers et d’antennes de SIAE au plus près des QPV.',
    objectives: ['2.3', '1.1'],
    indicators: ['PART_QPV'],
    pilot: 'cd',
    person: 'Chargée de mission politique de la ville',
    partners: ['dreets', 'network'],
    extraPartners: ['Établissements publics territoriaux'],
    budget: 60_000,
  },
  {
    title: "Structurer le partenariat avec les nouveaux acteurs de l'inclusion",
    description:
      'Entreprises inclusives, plateformes de l’inclusion, GEIQ : une réunion semestrielle et des actions communes.',
    objectives: ['4.2'],
    indicators: ['SIAE_ADHERENTES_RESEAU_TX'],
    pilot: 'network',
    person: 'Déléguée départementale',
    partners: ['dreets'],
    extraPartners: ['GEIQ'],
    budget: 5_000,
  },
];

const FUNDERS: Record<PilotKind, string> = {
  dreets: 'État',
  cd: 'Conseil départemental',
  network: 'Région Île-de-France',
  ft: 'France Travail',
};

/**
 * Demonstration plans d'actions for the eight départements of Île-de-France and the 2021-2022 strategy: 2021
 * validated (with the date of the CDIAE's avis), 2022 submitted or still draft. Deterministic (seeded), idempotent
 * (an existing plan is never touched), and marked as demonstration data.
 */
@Injectable()
export class PlanDemoLoader {
  private readonly logger = new Logger('Démonstration');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly plans: PlansService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async load(): Promise<number> {
    const strategy = await this.dataSource
      .getRepository(Strategy)
      .findOne({ where: { code: PLAN_DEMO_STRATEGY } });
    if (!strategy) return 0;
    const objectives = await this.plans.strategyObjectives(strategy.id);
    const byNumber = new Map(objectives.map((o) => [o.number, o.id]));
    const rules = await this.plans.rules(strategy.id);
    const random = seededRandom(PLAN_DEMO_SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    let created = 0;

    for (const [d, dept] of DEPARTMENTS.entries()) {
      for (const year of [2021, 2022]) {
        const status: PlanStatus = year === 2021 ? 'validated' : d % 2 === 0 ? 'submitted' : 'draft';
        const count = 6 + Math.floor(random() * 7);
        // Each plan takes its own subset of the templates, in strategy order.
        const chosen = [...TEMPLATES]
          .map((t) => ({ t, k: random() }))
          .sort((a, b) => a.k - b.k)
          .slice(0, count)
          .map((x) => x.t)
          .sort((a, b) => a.objectives[0].localeCompare(b.objectives[0]));
        const pilotName = (kind: PilotKind) =>
          ({
            dreets: `UD DREETS ${dept.name}`,
            cd: dept.cd,
            network: dept.network,
            ft: `France Travail — direction territoriale ${dept.name}`,
          })[kind];
        const actions = chosen.map((t, i) => {
          const startMonth = 1 + Math.floor(random() * 4);
          const dueMonth = Math.min(12, startMonth + 5 + Math.floor(random() * 6));
          const roll = random();
          // Past years: most actions are finished; a few stay open, hence late.
          const actionStatus: ActionStatus =
            status === 'draft'
              ? roll < 0.8
                ? 'planned'
                : 'in_progress'
              : roll < 0.62
                ? 'done'
                : roll < 0.72
                  ? 'abandoned'
                  : roll < 0.88
                    ? 'in_progress'
                    : roll < 0.94
                      ? 'suspended'
                      : 'planned';
          const finished = actionStatus === 'done' || actionStatus === 'abandoned';
          const budgets: BudgetLine[] = [];
          if (t.budget > 0) {
            const planned = Math.round((t.budget * (0.6 + random() * 0.8)) / 500) * 500;
            const funders = [FUNDERS[t.pilot], ...(random() < 0.5 ? ['FSE'] : [])];
            for (const [k, funder] of funders.entries()) {
              const share = funders.length === 1 ? 1 : k === 0 ? 0.7 : 0.3;
              const amount = Math.round((planned * share) / 100) * 100;
              budgets.push({
                year,
                funder,
                planned: amount,
                actual:
                  actionStatus === 'done' ? Math.round((amount * (0.8 + random() * 0.25)) / 100) * 100 : null,
              });
            }
          }
          const { value, issues } = checkAction(
            {
              title: t.title,
              description: t.description,
              pilotOrganisation: pilotName(t.pilot),
              pilotPerson: t.person,
              partners: [...t.partners.map(pilotName), ...t.extraPartners],
              startDate: `${year}-${pad(startMonth)}-01`,
              // Some draft actions have no deadline yet.
              dueDate:
                status === 'draft' && i % 3 === 2
                  ? null
                  : `${year}-${pad(dueMonth)}-${dueMonth === 2 ? 28 : 30}`,
              endDate: finished ? `${year}-${pad(Math.min(12, dueMonth + 1))}-15` : null,
              status: actionStatus,
              progress:
                actionStatus === 'done'
                  ? 100
                  : finished
                    ? 30
                    : status === 'draft'
                      ? 0
                      : pick([20, 40, 50, 60, 75]),
              objectiveIds: t.objectives
                .map((n) => byNumber.get(n))
                .filter((id): id is number => id !== undefined),
              indicators: t.indicators.filter((c) => rules.indicatorCodes.has(c)),
              budgets,
            },
            rules,
          );
          if (!value) throw new Error(`Action de démonstration invalide : ${JSON.stringify(issues)}`);
          const notes =
            status !== 'draft' && random() < 0.4
              ? [
                  {
                    date: `${year}-${pad(Math.min(12, startMonth + 3))}-10`,
                    author: 'démonstration',
                    text: finished
                      ? 'Point d’étape en CDIAE : action menée comme prévu, bilan présenté aux membres.'
                      : 'Point d’étape en CDIAE : retard dû à la mobilisation des partenaires, calendrier à revoir.',
                  },
                ]
              : [];
          return { ...value, notes };
        });
        const id = await this.plans.insertDemoPlan({
          department: dept.code,
          strategyId: strategy.id,
          year,
          summary: `Plan d'actions ${year} du CDIAE de ${dept.name}, déclinaison départementale de la stratégie IAE Île-de-France 2021-2022 (données de démonstration).`,
          status,
          avisDate: status === 'validated' ? `${year}-${pad(3 + (d % 3))}-${pad(8 + d * 2)}` : null,
          actions,
          at: `${year}-${pad(2 + (d % 2))}-15T09:00:00.000Z`,
        });
        if (id !== null) created += 1;
      }
    }
    if (created > 0) {
      await this.audit?.record({
        action: 'chargement (démonstration)',
        objectType: "plan d'actions",
        objectId: PLAN_DEMO_STRATEGY,
        summary: `${created} plans d'actions de démonstration`,
      });
      this.logger.log(`${created} plans d'actions de démonstration chargés`);
    }
    return created;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
