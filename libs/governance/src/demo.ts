import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inTransaction } from '@cap-iae/database';
import { AUDIT_SINK, AuditSink, FieldIssue, seededRandom } from '@cap-iae/shared';
import { StrategiesService } from '@cap-iae/strategy';
import { DecisionKind, SEEDED_INSTANCE_TYPES } from './governance.constants';
import {
  AgendaItem,
  Decision,
  DecisionTarget,
  GovernanceInstance,
  InstanceType,
  Meeting,
  Participant,
} from './governance.entities';
import type { TargetView } from './governance.views';
import { withSiretKey } from './siret';
import { TargetInput, TargetResolver } from './target-resolver';

const SEED = 20211115;
const YEARS = [2021, 2022];
const DEMO_STRATEGY = 'IDF-2021-2022';

/** The 8 départements of Île-de-France with what the demo needs to write about them in French. */
const DEPARTMENTS: {
  code: string;
  of: string;
  council: string;
  network: string;
  towns: string[];
}[] = [
  {
    code: '75',
    of: 'de Paris',
    council: 'Ville de Paris',
    network: 'GRAFIE (inter-réseau IAE)',
    towns: ['Paris 13e', 'Paris 18e', 'Paris 20e'],
  },
  {
    code: '77',
    of: 'de Seine-et-Marne',
    council: 'Conseil départemental de Seine-et-Marne',
    network: 'Sinacté',
    towns: ['Meaux', 'Melun', 'Chelles'],
  },
  {
    code: '78',
    of: 'des Yvelines',
    council: 'Conseil départemental des Yvelines',
    network: 'FLES 78',
    towns: ['Mantes-la-Jolie', 'Trappes', 'Les Mureaux'],
  },
  {
    code: '91',
    of: "de l'Essonne",
    council: "Conseil départemental de l'Essonne",
    network: "Act'Essonne",
    towns: ['Évry-Courcouronnes', 'Corbeil-Essonnes', 'Grigny'],
  },
  {
    code: '92',
    of: 'des Hauts-de-Seine',
    council: 'Conseil départemental des Hauts-de-Seine',
    network: 'GRAFIE (inter-réseau IAE)',
    towns: ['Nanterre', 'Gennevilliers', 'Colombes'],
  },
  {
    code: '93',
    of: 'de la Seine-Saint-Denis',
    council: 'Conseil départemental de la Seine-Saint-Denis',
    network: "Inser'éco 93",
    towns: ['Saint-Denis', 'Montreuil', 'Aubervilliers'],
  },
  {
    code: '94',
    of: 'du Val-de-Marne',
    council: 'Conseil départemental du Val-de-Marne',
    network: 'RIAE 94',
    towns: ['Créteil', 'Vitry-sur-Seine', 'Champigny-sur-Marne'],
  },
  {
    code: '95',
    of: "du Val-d'Oise",
    council: "Conseil départemental du Val-d'Oise",
    network: 'Voie 95',
    towns: ['Sarcelles', 'Cergy', 'Argenteuil'],
  },
];

const FIRST_NAMES = [
  'Nadia',
  'Julien',
  'Sophie',
  'Karim',
  'Claire',
  'Thomas',
  'Aïcha',
  'Marc',
  'Élodie',
  'Yann',
  'Fatou',
  'Pierre',
  'Camille',
  'Olivier',
  'Leïla',
  'François',
];
const LAST_NAMES = [
  'Martin',
  'Benali',
  'Durand',
  'Moreau',
  'Diallo',
  'Lefèvre',
  'Rousseau',
  'Haddad',
  'Fontaine',
  'Nguyen',
  'Garnier',
  'Traoré',
  'Lambert',
  'Perrin',
  'Mercier',
  'Chevalier',
];

interface PlannedDecision {
  kind: DecisionKind;
  text: string;
  targets: TargetInput[];
}
interface PlannedMeeting {
  date: string;
  title: string;
  status: 'held' | 'cancelled';
  participants: Participant[];
  agenda: AgendaItem[];
  minutes: string | null;
  decisions: PlannedDecision[];
}
interface PlannedInstance {
  typeCode: string;
  territory: string;
  name: string;
  meetings: PlannedMeeting[];
}

/**
 * Demonstration data for this library (instances et réunions), loaded once after the indicator and plan demo data by
 * the Bootstrapper: Île-de-France's COR-IAE, and for each département its CDIAE, CTA and conférence des financeurs,
 * with meetings in 2021–2022, agendas, comptes rendus and a few decisions or avis linked to the strategy's objectives,
 * to SIAE (fictive SIRETs) and to plan actions when the plans' demo data are present. Deterministic (seeded) and
 * idempotent: nothing is written when demonstration instances already exist.
 */
@Injectable()
export class GovernanceDemoLoader {
  private readonly logger = new Logger('Démonstration');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly strategies: StrategiesService,
    private readonly targets: TargetResolver,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async load(): Promise<number> {
    if (await this.dataSource.getRepository(GovernanceInstance).existsBy({ isDemo: true })) return 0;
    const types = new Map(
      (await this.dataSource.getRepository(InstanceType).find()).map((t) => [t.code, t] as const),
    );
    const objectives = await this.objectiveIds();
    const actions = await this.demoActions();
    const planned = this.plan(objectives, actions);

    // Targets are checked and labelled by the same code as the API's, before anything is written.
    const resolved = new Map<PlannedDecision, TargetView[]>();
    for (const i of planned)
      for (const m of i.meetings)
        for (const d of m.decisions) {
          const issues: FieldIssue[] = [];
          resolved.set(d, await this.targets.resolve(d.targets, issues));
          if (issues.length) throw new Error(`Démonstration incohérente : ${JSON.stringify(issues)}`);
        }

    const now = new Date().toISOString();
    let meetings = 0;
    await inTransaction(this.dataSource, async (em) => {
      for (const i of planned) {
        const type = types.get(i.typeCode);
        if (!type) continue; // a type removed by hand: its demo is skipped rather than failing the whole load
        const instance = await em.getRepository(GovernanceInstance).save({
          typeId: type.id,
          territoryCode: i.territory,
          name: i.name,
          active: true,
          isDemo: true,
          createdAt: now,
          updatedAt: now,
          version: 1,
        });
        for (const m of i.meetings) {
          const meeting = await em.getRepository(Meeting).save({
            instanceId: instance.id,
            meetingDate: m.date,
            title: m.title,
            status: m.status,
            participants: JSON.stringify(m.participants),
            agenda: JSON.stringify(m.agenda),
            minutes: m.minutes,
            isDemo: true,
            createdBy: 'démonstration',
            createdAt: now,
            updatedBy: 'démonstration',
            updatedAt: now,
            version: 1,
          });
          meetings += 1;
          for (const [position, d] of m.decisions.entries()) {
            const decision = await em.getRepository(Decision).save({
              meetingId: meeting.id,
              position: position + 1,
              kind: d.kind,
              text: d.text,
              isDemo: true,
              createdAt: now,
              updatedAt: now,
              version: 1,
            });
            const targets = resolved.get(d) ?? [];
            if (targets.length)
              await em.getRepository(DecisionTarget).insert(
                targets.map((t) => ({
                  decisionId: decision.id,
                  targetType: t.type,
                  targetRef: t.ref,
                  targetLabel: t.label,
                })),
              );
          }
        }
      }
    });
    await this.audit?.record({
      action: 'chargement (démonstration)',
      objectType: 'réunion',
      objectId: 'démonstration',
      summary: `${planned.length} instances et ${meetings} réunions de démonstration`,
    });
    this.logger.log(`${planned.length} instances et ${meetings} réunions de démonstration chargées`);
    return meetings;
  }

  /** Objective ids of the 2021-2022 strategy by number (`3.4` → id); empty without reference data. */
  private async objectiveIds(): Promise<Map<string, number>> {
    const strategy = (await this.strategies.list()).find((s) => s.code === DEMO_STRATEGY);
    return new Map(strategy?.axes.flatMap((a) => a.objectives.map((o) => [o.number, o.id] as const)) ?? []);
  }

  /** Actions of the plans' demo data by « département|year », when libs/action-plans has loaded them. */
  private async demoActions(): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (!(await this.targets.hasPlans())) return out;
    const rows = await this.dataSource
      .createQueryBuilder()
      .select(['a.id AS id', 'p.department_code AS department_code', 'p.year AS year'])
      .from('plan_action', 'a')
      .innerJoin('action_plan', 'p', 'p.id = a.plan_id')
      .orderBy('a.id')
      .getRawMany<{ id: number; department_code: string; year: number }>();
    for (const r of rows) {
      const key = `${r.department_code}|${Number(r.year)}`;
      out.set(key, [...(out.get(key) ?? []), Number(r.id)]);
    }
    return out;
  }

  private plan(objectives: Map<string, number>, actions: Map<string, number[]>): PlannedInstance[] {
    const rng = seededRandom(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
    const person = (): string => `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
    const int = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
    const objective = (...numbers: string[]): TargetInput[] =>
      numbers.filter((n) => objectives.has(n)).map((n) => ({ type: 'objective', ref: objectives.get(n)! }));
    /** A weekday of `month` (1-12): steering bodies do not meet at weekends. */
    const date = (year: number, month: number): string => {
      const d = new Date(Date.UTC(year, month - 1, int(3, 26)));
      while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
      return d.toISOString().slice(0, 10);
    };
    const siae = (dep: (typeof DEPARTMENTS)[number]): TargetInput => {
      const town = pick(dep.towns);
      const name = pick([
        `Chantier d'insertion Les Jardins de ${town}`,
        `Régie de quartier de ${town}`,
        `${town} Recyclerie solidaire`,
        `Intérim solidaire ${town}`,
        `Association intermédiaire Coup de main ${town}`,
      ]);
      let digits = '8';
      for (let i = 0; i < 12; i++) digits += String(int(0, 9));
      return { type: 'siae', ref: withSiretKey(digits), label: `${name} (fictive)` };
    };

    const out: PlannedInstance[] = [];

    // COR-IAE: two meetings a year, spring (annual follow-up) and end of year (bilan and next steps).
    const cor: PlannedInstance = {
      typeCode: SEEDED_INSTANCE_TYPES.corIae,
      territory: 'REG-11',
      name: "COR-IAE d'Île-de-France",
      meetings: [],
    };
    for (const year of YEARS) {
      for (const [n, month] of [
        [1, int(3, 4)],
        [2, int(11, 12)],
      ] as const) {
        const participants: Participant[] = [
          { name: person(), organisation: "DRIEETS d'Île-de-France", role: 'présidence' },
          {
            name: person(),
            organisation: "DRIEETS d'Île-de-France, pôle Entreprises, emploi et économie",
            role: 'secrétariat',
          },
          { name: person(), organisation: 'Région Île-de-France', role: 'membre' },
          {
            name: person(),
            organisation: "France Travail, direction régionale d'Île-de-France",
            role: 'membre',
          },
          { name: person(), organisation: 'GRAFIE (inter-réseau IAE)', role: 'membre' },
          {
            name: person(),
            organisation: "Fédération des entreprises d'insertion Île-de-France",
            role: 'membre',
          },
          { name: person(), organisation: 'Chantier école Île-de-France', role: 'membre' },
          ...DEPARTMENTS.filter(() => rng() < 0.5).map((d) => ({
            name: person(),
            organisation: `UD DREETS ${d.code}`,
            role: 'invité',
          })),
        ];
        const agenda: AgendaItem[] =
          n === 1
            ? [
                { title: `Bilan ${year - 1} de la stratégie régionale de l'IAE`, presenter: 'DRIEETS' },
                {
                  title: 'Présentation des chiffres de la DREETS',
                  presenter: 'DRIEETS, service statistique',
                },
                { title: "Avancement des plans d'actions départementaux", presenter: 'UD DREETS' },
                { title: "Point d'étape du Pacte d'ambition pour l'IAE", presenter: null },
              ]
            : [
                { title: `Suivi annuel ${year} de la stratégie IAE 2021-2022`, presenter: 'DRIEETS' },
                { title: 'Bilans des CDIAE', presenter: 'UD DREETS' },
                { title: 'Comparaison des départements : salariés en insertion et sorties', presenter: null },
                { title: `Orientations pour ${year + 1}`, presenter: 'DRIEETS' },
              ];
        const decisions: PlannedDecision[] =
          n === 1
            ? [
                {
                  kind: 'decision',
                  text: `Le COR-IAE adopte le bilan ${year - 1} de la stratégie régionale.`,
                  targets: objective('4.1'),
                },
                {
                  kind: 'recommendation',
                  text: "Renforcer l'accès à la formation des salariés en insertion, en lien avec le PIC IAE.",
                  targets: objective('3.4'),
                },
              ]
            : [
                {
                  kind: 'recommendation',
                  text: 'Harmoniser le calendrier des CDIAE pour que leurs bilans parviennent avant le COR-IAE.',
                  targets: objective('4.1', '4.2'),
                },
              ];
        cor.meetings.push({
          date: date(year, month),
          title: n === 1 ? `COR-IAE — suivi annuel ${year - 1}` : `COR-IAE — bilan d'étape ${year}`,
          status: 'held',
          participants,
          agenda,
          minutes:
            `Le comité a examiné ${n === 1 ? `le bilan ${year - 1}` : `l'avancement ${year}`} de la stratégie régionale. ` +
            `Le nombre de salariés en insertion progresse d'environ ${int(2, 6)} % sur un an ; ` +
            `la part des sorties dynamiques s'établit autour de ${int(58, 72)} %. ` +
            'Les départements présentent des situations contrastées, détaillées dans les bilans des CDIAE.',
          decisions,
        });
      }
    }
    out.push(cor);

    for (const dep of DEPARTMENTS) {
      const territory = `DEP-${dep.code}`;
      const network = { name: person(), organisation: dep.network, role: 'membre' };
      const council = { name: person(), organisation: dep.council, role: 'membre' };
      const ud = (role: string) => ({ name: person(), organisation: `UD DREETS ${dep.code}`, role });
      const ft = (role: string) => ({
        name: person(),
        organisation: `France Travail, direction territoriale ${dep.code}`,
        role,
      });

      const cdiae: PlannedInstance = {
        typeCode: SEEDED_INSTANCE_TYPES.cdiae,
        territory,
        name: `CDIAE ${dep.of}`,
        meetings: [],
      };
      for (const year of YEARS) {
        const plan = actions.get(`${territory}|${year}`) ?? [];
        for (const [n, month] of [
          [1, int(2, 3)],
          [2, 6],
          [3, int(10, 11)],
        ] as const) {
          const agenda: AgendaItem[] = [
            n === 1
              ? { title: `Bilan du plan d'actions ${year - 1}`, presenter: `UD DREETS ${dep.code}` }
              : {
                  title: `Plan d'actions départemental ${year} : point d'étape`,
                  presenter: `UD DREETS ${dep.code}`,
                },
            { title: 'Avis sur les conventionnements ACI', presenter: `UD DREETS ${dep.code}` },
            { title: 'Présentation des chiffres de la DREETS', presenter: `UD DREETS ${dep.code}` },
            ...(n === 3
              ? [{ title: 'Retour des comités techniques d’animation', presenter: 'France Travail' }]
              : []),
          ];
          const approved = [siae(dep), siae(dep)];
          const decisions: PlannedDecision[] = [
            {
              kind: 'favourable_opinion',
              text: `Avis favorable au conventionnement de ${approved.length} ateliers et chantiers d'insertion.`,
              targets: approved,
            },
          ];
          if (rng() < 0.3)
            decisions.push({
              kind: 'reserved_opinion',
              text: "Avis réservé sur une extension d'ETP : l'accompagnement socioprofessionnel doit être renforcé avant le prochain dialogue de gestion.",
              targets: [siae(dep), ...objective('3.2')],
            });
          if (n === 1)
            decisions.push({
              kind: 'decision',
              text: `Le CDIAE valide le plan d'actions départemental ${year}.`,
              targets: [
                ...objective('1.1', '2.3'),
                ...(plan.length ? [{ type: 'action', ref: plan[0] } satisfies TargetInput] : []),
              ],
            });
          if (n === 2 && plan.length > 1)
            decisions.push({
              kind: 'recommendation',
              text: 'Accélérer la mise en œuvre de cette action, en retard sur le calendrier prévu.',
              targets: [{ type: 'action', ref: pick(plan.slice(1)) }],
            });
          cdiae.meetings.push({
            date: date(year, month),
            title: `CDIAE ${dep.code} — séance ${n} de ${year}`,
            status: 'held',
            participants: [
              ud('présidence'),
              ud('secrétariat'),
              council,
              ft('membre'),
              network,
              {
                name: person(),
                organisation: pick(['Chantier école', "Fédération des entreprises d'insertion", 'Coorace']),
                role: 'membre',
              },
            ],
            agenda,
            minutes:
              `Le CDIAE ${dep.of} a examiné ${approved.length + int(1, 4)} demandes de conventionnement. ` +
              `${dep.network} rappelle les difficultés de recrutement des structures et le besoin d'accompagnement vers la mobilité. ` +
              `Les chiffres présentés font état de ${int(1200, 5200)} salariés en insertion dans le département.`,
            decisions,
          });
        }
      }

      const cta: PlannedInstance = {
        typeCode: SEEDED_INSTANCE_TYPES.cta,
        territory,
        name: `CTA stratégique ${dep.of}`,
        meetings: [],
      };
      for (const year of YEARS) {
        for (const month of [int(4, 5), int(9, 10)]) {
          const cancelled = rng() < 0.06;
          cta.meetings.push({
            date: date(year, month),
            title: `CTA ${dep.code} — suivi des parcours`,
            status: cancelled ? 'cancelled' : 'held',
            participants: [
              ft('animation'),
              ud('membre'),
              network,
              {
                name: person(),
                organisation: pick(['Mission locale', 'Cap emploi', 'PLIE']),
                role: 'membre',
              },
            ],
            agenda: [
              { title: 'Suivi des parcours et des sorties', presenter: 'France Travail' },
              { title: "Prescriptions via la plateforme de l'inclusion", presenter: null },
              { title: 'Offre de formation des salariés en insertion', presenter: dep.network },
            ],
            minutes: cancelled
              ? 'Séance annulée faute de quorum ; points reportés au comité suivant.'
              : `Les prescripteurs signalent ${int(20, 90)} candidatures en attente. Le comité propose des actions de découverte des métiers avec les entreprises du territoire.`,
            decisions:
              cancelled || rng() < 0.5
                ? []
                : [
                    {
                      kind: 'recommendation',
                      text: "Organiser une session d'information collective sur les métiers en tension avec les SIAE du territoire.",
                      targets: objective('3.2', '3.5'),
                    },
                  ],
          });
        }
      }

      const conference: PlannedInstance = {
        typeCode: SEEDED_INSTANCE_TYPES.fundersConference,
        territory,
        name: `Conférence des financeurs ${dep.of}`,
        meetings: [],
      };
      for (const year of YEARS) {
        conference.meetings.push({
          date: date(year, int(5, 6)),
          title: `Conférence des financeurs ${dep.code} — ${year}`,
          status: 'held',
          participants: [
            ud('co-présidence'),
            { ...council, role: 'co-présidence' },
            { name: person(), organisation: 'Région Île-de-France', role: 'membre' },
            ft('membre'),
            { name: person(), organisation: 'EPT et communes', role: 'membre' },
          ],
          agenda: [
            { title: `Financements ${year} de l'IAE par financeur`, presenter: `UD DREETS ${dep.code}` },
            { title: 'Cofinancement des postes en ACI (bénéficiaires du RSA)', presenter: dep.council },
            { title: 'Priorités pour les nouveaux projets', presenter: null },
          ],
          minutes: `Les financeurs partagent leurs engagements ${year}. Le conseil départemental confirme le cofinancement de ${int(40, 180)} postes en ACI.`,
          decisions: [
            {
              kind: 'decision',
              text: `Priorité de financement ${year} : projets de création d'ACI et d'EI dans les quartiers prioritaires.`,
              targets: objective('2.1', '2.3'),
            },
          ],
        });
      }
      out.push(cdiae, cta, conference);
    }
    return out;
  }
}
