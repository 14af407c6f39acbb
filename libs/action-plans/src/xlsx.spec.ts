import ExcelJS from 'exceljs';
import type { PlanView } from './views';
import { checkImport, ImportRules, RawWorkbook, readPlanWorkbook, writePlanWorkbook } from './xlsx';

const rules: ImportRules = {
  objectiveIds: new Set([11, 12, 31]),
  indicatorCodes: new Set(['SIAE_NB', 'TX_PMSMP']),
  objectivesByNumber: new Map([
    ['1.1', 11],
    ['1.2', 12],
    ['3.1', 31],
  ]),
  strategyCode: 'IDF-2021-2022',
};

function workbook(actions: RawWorkbook['actions'], budgets: RawWorkbook['budgets'] = []): RawWorkbook {
  return { actions, budgets, rejections: [] };
}

describe('checking the rows of an imported plan', () => {
  it('reads French cells: dates, « ; » lists, labels, numbers typed as text', () => {
    const { actions, rejections } = checkImport(
      workbook(
        [
          {
            line: 2,
            cells: {
              title: 'Forum IAE',
              objectives: '3.1; 1.2',
              pilotOrganisation: 'Sinacté',
              partners: 'France Travail ; CCI',
              startDate: new Date(Date.UTC(2022, 0, 15)),
              dueDate: '30/06/2022',
              status: 'En cours',
              progress: '40 %',
              indicators: 'TX_PMSMP',
            },
          },
          {
            line: 3,
            cells: {
              title: 'Diagnostic',
              objectives: 1.1,
              pilotPerson: 'Référente',
              status: 'réalisée',
              endDate: '2022-03-01',
              progress: 100,
            },
          },
        ],
        [
          {
            line: 2,
            cells: { action: 'Forum IAE', year: 2022, funder: 'État', planned: '12 500,50', actual: null },
          },
          {
            line: 3,
            cells: { action: 'Forum IAE', year: '2022', funder: 'FSE', planned: 3000, actual: 2000 },
          },
        ],
      ),
      rules,
    );
    expect(rejections).toEqual([]);
    expect(actions).toEqual([
      expect.objectContaining({
        title: 'Forum IAE',
        objectiveIds: [12, 31],
        partners: ['France Travail', 'CCI'],
        startDate: '2022-01-15',
        dueDate: '2022-06-30',
        status: 'in_progress',
        progress: 40,
        indicators: ['TX_PMSMP'],
        budgets: [
          { year: 2022, funder: 'État', planned: 12500.5, actual: null },
          { year: 2022, funder: 'FSE', planned: 3000, actual: 2000 },
        ],
      }),
      expect.objectContaining({
        title: 'Diagnostic',
        objectiveIds: [11],
        status: 'done',
        progress: 100,
        budgets: [],
      }),
    ]);
  });

  it('rejects the whole file and names every bad cell: sheet, line, column, reason', () => {
    const { actions, rejections } = checkImport(
      workbook(
        [
          { line: 2, cells: { title: 'Bonne', objectives: '1.1', pilotOrganisation: 'UD DREETS' } },
          { line: 3, cells: { title: 'Mauvais objectif', objectives: '9.9', pilotOrganisation: 'UD' } },
          {
            line: 4,
            cells: {
              title: 'Mauvaise date',
              objectives: '1.1',
              pilotOrganisation: 'UD',
              dueDate: '31/02/2022',
            },
          },
          {
            line: 5,
            cells: {
              title: 'Bonne',
              objectives: '1.1',
              pilotOrganisation: 'UD',
              status: 'terminée',
              progress: 120,
            },
          },
          {
            line: 6,
            cells: {
              title: { formula: 'A1&B1' },
              objectives: '1.1',
              pilotOrganisation: 'UD',
              indicators: 'INCONNU',
            },
          },
        ],
        [
          { line: 2, cells: { action: 'Inconnue', year: 2022, funder: 'État', planned: 10 } },
          { line: 3, cells: { action: 'Bonne', year: 'deux mille', funder: 'État', planned: 'beaucoup' } },
        ],
      ),
      rules,
    );
    expect(actions).toEqual([]);
    expect(rejections).toEqual([
      {
        sheet: 'Actions',
        line: 3,
        column: 'Objectifs',
        reason: 'objectif « 9.9 » inconnu dans la stratégie IDF-2021-2022',
      },
      {
        sheet: 'Actions',
        line: 4,
        column: 'Fin prévue',
        reason: 'date invalide « 31/02/2022 » (attendu JJ/MM/AAAA)',
      },
      {
        sheet: 'Actions',
        line: 5,
        column: 'Statut',
        reason: 'statut inconnu « terminée » (attendu : à venir, en cours, réalisée, suspendue, abandonnée)',
      },
      { sheet: 'Actions', line: 5, column: 'Avancement (%)', reason: 'nombre entier de 0 à 100 attendu' },
      {
        sheet: 'Actions',
        line: 5,
        column: 'Intitulé',
        reason: 'intitulé en double (déjà ligne 2) : les actions sont reconnues par leur intitulé',
      },
      {
        sheet: 'Actions',
        line: 6,
        column: 'Intitulé',
        reason: 'formule non prise en charge : remplacez-la par sa valeur',
      },
      { sheet: 'Actions', line: 6, column: 'Indicateurs', reason: 'indicateur inconnu « INCONNU »' },
      {
        sheet: 'Budget',
        line: 2,
        column: 'Action',
        reason: 'aucune action « Inconnue » dans la feuille « Actions »',
      },
      { sheet: 'Budget', line: 3, column: 'Année', reason: 'nombre attendu, trouvé « deux mille »' },
      { sheet: 'Budget', line: 3, column: 'Prévisionnel (€)', reason: 'nombre attendu, trouvé « beaucoup »' },
    ]);
  });

  it('refuses an empty Actions sheet and a file that is not a workbook', async () => {
    expect(checkImport(workbook([]), rules).rejections).toEqual([
      {
        sheet: 'Actions',
        line: 2,
        column: 'Intitulé',
        reason: 'aucune action dans la feuille : le plan ne peut pas être vidé par un import',
      },
    ]);
    const raw = await readPlanWorkbook(Buffer.from('pas un classeur'));
    expect(raw.rejections[0].reason).toContain('fichier illisible');
  });

  it('names missing columns and sheets', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Feuil1').addRow(['Intitulé']);
    const raw = await readPlanWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(raw.rejections[0]).toMatchObject({ sheet: 'Actions', line: 0 });
    const wb2 = new ExcelJS.Workbook();
    wb2.addWorksheet('Actions').addRow(['Intitulé', 'Pilote']);
    const raw2 = await readPlanWorkbook(Buffer.from(await wb2.xlsx.writeBuffer()));
    expect(raw2.rejections).toEqual([
      { sheet: 'Actions', line: 1, column: 'Objectifs', reason: 'colonne absente de la ligne d’en-tête' },
    ]);
  });
});

describe('writing then reading a plan file', () => {
  it('gives the same actions back', async () => {
    const plan = {
      id: 1,
      department: { code: 'DEP-77', name: 'Seine-et-Marne' },
      strategy: { code: 'IDF-2021-2022', title: 'Stratégie', startYear: 2021, endYear: 2022 },
      year: 2022,
      actions: [
        {
          title: '=Forum « IAE »',
          description: 'Ligne 1\nLigne 2',
          objectives: [
            { id: 12, number: '1.2' },
            { id: 31, number: '3.1' },
          ],
          pilotOrganisation: 'Sinacté',
          pilotPerson: null,
          partners: ['France Travail', 'CCI'],
          startDate: '2022-01-15',
          dueDate: '2022-06-30',
          endDate: null,
          status: 'in_progress',
          progress: 45,
          indicators: ['SIAE_NB', 'TX_PMSMP'],
          budgets: [{ year: 2022, funder: 'État', planned: 1234.56, actual: null }],
        },
      ],
    } as unknown as PlanView;
    const data = await writePlanWorkbook(plan, '2022-07-01');
    const { actions, rejections } = checkImport(await readPlanWorkbook(data), rules);
    expect(rejections).toEqual([]);
    expect(actions).toEqual([
      {
        title: '=Forum « IAE »',
        description: 'Ligne 1\nLigne 2',
        pilotOrganisation: 'Sinacté',
        pilotPerson: null,
        partners: ['France Travail', 'CCI'],
        startDate: '2022-01-15',
        dueDate: '2022-06-30',
        endDate: null,
        status: 'in_progress',
        progress: 45,
        objectiveIds: [12, 31],
        indicators: ['SIAE_NB', 'TX_PMSMP'],
        budgets: [{ year: 2022, funder: 'État', planned: 1234.56, actual: null }],
      },
    ]);
  });
});
