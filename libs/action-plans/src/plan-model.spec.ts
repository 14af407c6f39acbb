import { csvCell, toCsv } from '@cap-iae/shared';
import { checkAction, isIsoDate, isLate, shiftYears, todayInParis } from './plan-model';

const rules = { objectiveIds: new Set([11, 12]), indicatorCodes: new Set(['SIAE_NB', 'PART_FEMMES']) };

describe('late actions (derived, never stored)', () => {
  it('is late when open and the planned end is before today', () => {
    expect(isLate({ status: 'in_progress', dueDate: '2022-06-30' }, '2022-07-01')).toBe(true);
    expect(isLate({ status: 'planned', dueDate: '2022-06-30' }, '2022-07-01')).toBe(true);
    expect(isLate({ status: 'suspended', dueDate: '2022-06-30' }, '2022-07-01')).toBe(true);
  });
  it('is not late on the due day, without a due date, or once finished', () => {
    expect(isLate({ status: 'in_progress', dueDate: '2022-06-30' }, '2022-06-30')).toBe(false);
    expect(isLate({ status: 'in_progress', dueDate: null }, '2030-01-01')).toBe(false);
    expect(isLate({ status: 'done', dueDate: '2022-06-30' }, '2023-01-01')).toBe(false);
    expect(isLate({ status: 'abandoned', dueDate: '2022-06-30' }, '2023-01-01')).toBe(false);
  });
  it('counts days in Paris, whatever the server’s zone', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(todayInParis(new Date('2021-12-31T23:30:00Z'))).toBe('2022-01-01');
  });
});

describe('dates', () => {
  it('accepts real calendar days only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2022-02-29')).toBe(false);
    expect(isIsoDate('2022-2-1')).toBe(false);
    expect(isIsoDate('31/12/2022')).toBe(false);
  });
  it('shifts by whole years, 29 February included', () => {
    expect(shiftYears('2021-03-15', 1)).toBe('2022-03-15');
    expect(shiftYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(shiftYears(null, 1)).toBeNull();
  });
});

describe('checkAction', () => {
  it('normalises a valid action', () => {
    const { value, issues } = checkAction(
      {
        title: '  Forum IAE  ',
        pilotOrganisation: 'Sinacté',
        partners: ['France Travail', ' ', 'France Travail', 'CCI'],
        startDate: '2022-01-01',
        dueDate: '2022-03-31',
        objectiveIds: [12, 11, 12],
        indicators: ['SIAE_NB'],
        budgets: [
          { year: 2022, funder: 'Région', planned: 10.456 },
          { year: 2021, funder: 'État', planned: null, actual: 5 },
        ],
      },
      rules,
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({
      title: 'Forum IAE',
      description: null,
      pilotOrganisation: 'Sinacté',
      pilotPerson: null,
      partners: ['France Travail', 'CCI'],
      startDate: '2022-01-01',
      dueDate: '2022-03-31',
      endDate: null,
      status: 'planned',
      progress: 0,
      objectiveIds: [11, 12],
      indicators: ['SIAE_NB'],
      budgets: [
        { year: 2021, funder: 'État', planned: null, actual: 5 },
        { year: 2022, funder: 'Région', planned: 10.46, actual: null },
      ],
    });
  });

  it('collects every issue, named by field, in French', () => {
    const { value, issues } = checkAction(
      {
        title: '',
        partners: ['A; B'],
        startDate: '2022-05-01',
        dueDate: '2022-04-01',
        endDate: '2022-06-01',
        status: 'in_progress',
        progress: 101,
        objectiveIds: [99],
        indicators: ['NOPE'],
        budgets: [
          { year: 2022, funder: 'État', planned: 1 },
          { year: 2022, funder: 'état', planned: 2 },
          { year: 1700, funder: 'FSE' },
        ],
      },
      rules,
    );
    expect(value).toBeUndefined();
    expect(issues).toEqual([
      { field: 'title', message: 'intitulé obligatoire' },
      { field: 'pilotOrganisation', message: 'indiquez la structure pilote ou la personne pilote' },
      { field: 'partners[0]', message: 'un partenaire ne peut pas contenir « ; »' },
      { field: 'dueDate', message: 'la fin prévue ne peut pas précéder le début' },
      { field: 'endDate', message: 'une fin réelle suppose une action réalisée ou abandonnée' },
      { field: 'progress', message: 'doit être compris entre 0 et 100' },
      { field: 'objectiveIds[0]', message: "l'objectif 99 n'appartient pas à la stratégie du plan" },
      { field: 'indicators[0]', message: 'indicateur inconnu « NOPE »' },
      {
        field: 'budgets[1].funder',
        message: 'ligne en double : même année et même financeur que la ligne 1',
      },
      { field: 'budgets[2].year', message: 'année entre 1980 et 2100 attendue' },
    ]);
  });

  it('requires at least one objective', () => {
    expect(checkAction({ title: 'x', pilotPerson: 'y', objectiveIds: [] }, rules).issues).toEqual([
      { field: 'objectiveIds', message: 'au moins un objectif régional est attendu' },
    ]);
  });
});

describe('CSV cells (shared)', () => {
  it('neutralises formulas and quotes separators', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+33 1')).toBe("'+33 1");
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(
      toCsv([
        ['a', null],
        ['-1', 'é'],
      ]),
    ).toBe("\ufeffa;\r\n'-1;é\r\n");
  });
});
