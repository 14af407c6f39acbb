import { ActionSnapshot, diffSnapshots, diffVersions, PlanSnapshot } from './snapshot';

function action(id: number, patch: Partial<ActionSnapshot> = {}): ActionSnapshot {
  return {
    id,
    position: id,
    title: `Action ${id}`,
    description: null,
    pilotOrganisation: 'UD DREETS',
    pilotPerson: null,
    partners: [],
    startDate: '2022-01-01',
    dueDate: '2022-06-30',
    endDate: null,
    status: 'planned',
    progress: 0,
    objectives: ['1.1'],
    indicators: [],
    budgets: [],
    notes: [],
    ...patch,
  };
}

function plan(actions: ActionSnapshot[], status: PlanSnapshot['plan']['status'] = 'draft'): PlanSnapshot {
  return {
    plan: {
      department: 'DEP-93',
      strategy: 'IDF-2021-2022',
      year: 2022,
      status,
      summary: null,
      avisDate: null,
      avisComment: null,
    },
    actions,
  };
}

const meta = (number: number, author: string) => ({
  number,
  author,
  createdAt: `2022-01-0${number}T10:00:00Z`,
  reason: 'test',
});

describe('diff of saved states', () => {
  it('says what changed per action and field, in French', () => {
    const d = diffSnapshots(
      plan([action(1), action(2)]),
      plan(
        [
          action(1, {
            status: 'in_progress',
            progress: 30,
            dueDate: '2022-09-30',
            partners: ['CCI', 'France Travail'],
          }),
          action(3, { title: 'Nouvelle' }),
        ],
        'submitted',
      ),
    );
    expect(d.plan).toEqual([{ field: 'status', before: 'brouillon', after: 'soumis au CDIAE' }]);
    expect(d.actions).toEqual([
      {
        actionId: 1,
        title: 'Action 1',
        change: 'modified',
        fields: [
          { field: 'partners', before: '', after: 'CCI ; France Travail' },
          { field: 'dueDate', before: '30/06/2022', after: '30/09/2022' },
          { field: 'status', before: 'à venir', after: 'en cours' },
          { field: 'progress', before: '0 %', after: '30 %' },
        ],
      },
      expect.objectContaining({ actionId: 3, change: 'added' }),
      expect.objectContaining({ actionId: 2, change: 'removed' }),
    ]);
    expect(d.unchanged).toBe(0);
  });

  it('credits each field to the people who changed it between the two versions', () => {
    const v1 = plan([action(1)]);
    const v2 = plan([action(1, { title: 'Titre de Alice' })]);
    const v3 = plan([action(1, { title: 'Titre de Alice', progress: 50 }), action(2)]);
    const v4 = plan([action(1, { title: 'Titre de Bruno', progress: 50 }), action(2)]);
    const d = diffVersions([
      { meta: meta(1, 'alice'), snapshot: v1 },
      { meta: meta(2, 'alice'), snapshot: v2 },
      { meta: meta(3, 'bruno'), snapshot: v3 },
      { meta: meta(4, 'bruno'), snapshot: v4 },
    ]);
    expect(d.from.number).toBe(1);
    expect(d.to.number).toBe(4);
    const a1 = d.actions.find((a) => a.actionId === 1)!;
    const title = a1.fields.find((f) => f.field === 'title')!;
    expect(title).toMatchObject({ label: 'Intitulé', before: 'Action 1', after: 'Titre de Bruno' });
    expect(title.changedBy.map((c) => `${c.author}@${c.version}`)).toEqual(['alice@2', 'bruno@4']);
    expect(a1.fields.find((f) => f.field === 'progress')!.changedBy.map((c) => c.author)).toEqual(['bruno']);
    expect(d.actions.find((a) => a.actionId === 2)).toMatchObject({
      change: 'added',
      changedBy: [{ author: 'bruno', version: 3 }],
    });
  });

  it('reports nothing between identical states', () => {
    const d = diffVersions([
      { meta: meta(1, 'a'), snapshot: plan([action(1)]) },
      { meta: meta(2, 'b'), snapshot: plan([action(1)]) },
    ]);
    expect(d).toMatchObject({ plan: [], actions: [], unchanged: 1 });
  });
});
