import type { DecisionInput, MeetingInput, MeetingView, TargetInput } from '@cap-iae/governance';
import type { FieldIssue } from '@cap-iae/shared';

/** URL-encoded forms: repeated fields (checkboxes, multiple selects) arrive as lists. */
export type Form = Record<string, string | string[] | undefined>;

export function one(form: Form, name: string): string {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export function many(form: Form, name: string): string[] {
  const v = form[name];
  return (Array.isArray(v) ? v : v ? [v] : []).filter(Boolean);
}

/** Non-empty lines of a textarea with their line numbers (1-based), so that errors name the line people see. */
function lines(text: string): { line: number; cells: string[] }[] {
  return text
    .split(/\r?\n/)
    .map((l, i) => ({ line: i + 1, cells: l.split(';').map((c) => c.trim()) }))
    .filter((l) => l.cells.some(Boolean));
}

/** What a meeting form holds, as typed: kept to be shown again after an error or a conflict. */
export interface MeetingFormValues {
  date: string;
  title: string;
  status: string;
  participants: string;
  agenda: string;
  minutes: string;
  version: string;
}

export function meetingFormValues(form: Form): MeetingFormValues {
  return {
    date: one(form, 'date').trim(),
    title: one(form, 'title'),
    status: one(form, 'status') || 'planned',
    participants: one(form, 'participants'),
    agenda: one(form, 'agenda'),
    minutes: one(form, 'minutes'),
    version: one(form, 'version'),
  };
}

export function meetingFormFromView(m: MeetingView): MeetingFormValues {
  return {
    date: m.date,
    title: m.title,
    status: m.status,
    participants: m.participants
      .map((p) => [p.name, p.organisation ?? '', p.role ?? ''].join(' ; ').replace(/( ; )+$/, ''))
      .join('\n'),
    agenda: m.agenda.map((a) => (a.presenter ? `${a.title} ; ${a.presenter}` : a.title)).join('\n'),
    minutes: m.minutes ?? '',
    version: String(m.version),
  };
}

/**
 * Participants are typed one per line « Nom ; Organisation ; Rôle », agenda points one per line « Intitulé ;
 * intervenant ». `labels` turns the services' field names back into what the form shows.
 */
export function meetingInput(values: MeetingFormValues): {
  input: MeetingInput & { version?: number };
  labels: Map<string, { label: string; input: string }>;
} {
  const labels = new Map<string, { label: string; input: string }>([
    ['date', { label: 'Date', input: 'date' }],
    ['title', { label: 'Titre', input: 'title' }],
    ['status', { label: 'Statut', input: 'status' }],
    ['minutes', { label: 'Compte rendu', input: 'minutes' }],
    ['version', { label: 'Version', input: 'version' }],
    ['participants', { label: 'Participants', input: 'participants' }],
    ['agenda', { label: 'Ordre du jour', input: 'agenda' }],
    ['instanceId', { label: 'Instance', input: 'title' }],
  ]);
  const participants = lines(values.participants).map((l, i) => {
    labels.set(`participants[${i}]`, { label: `Participants, ligne ${l.line}`, input: 'participants' });
    return {
      name: l.cells[0] ?? '',
      organisation: l.cells[1] || undefined,
      role: l.cells.slice(2).join(' ; ') || undefined,
    };
  });
  const agenda = lines(values.agenda).map((l, i) => {
    labels.set(`agenda[${i}]`, { label: `Ordre du jour, ligne ${l.line}`, input: 'agenda' });
    return { title: l.cells[0] ?? '', presenter: l.cells.slice(1).join(' ; ') || undefined };
  });
  return {
    input: {
      date: values.date,
      title: values.title,
      status: values.status,
      participants,
      agenda,
      minutes: values.minutes,
      version: values.version ? Number(values.version) : undefined,
    },
    labels,
  };
}

export interface DecisionFormValues {
  kind: string;
  text: string;
  objectives: string[];
  siae: string;
  actions: string[];
  plans: string[];
}

export function decisionFormValues(form: Form): DecisionFormValues {
  return {
    kind: one(form, 'kind'),
    text: one(form, 'text'),
    objectives: many(form, 'objectives'),
    siae: one(form, 'siae'),
    actions: many(form, 'actions'),
    plans: many(form, 'plans'),
  };
}

/** Objectives, plans and actions are ticked; SIAE are typed one per line « SIRET ; nom de la SIAE ». */
export function decisionInput(values: DecisionFormValues): {
  input: DecisionInput;
  labels: Map<string, { label: string; input: string }>;
} {
  const labels = new Map<string, { label: string; input: string }>([
    ['kind', { label: 'Nature', input: 'kind' }],
    ['text', { label: 'Texte', input: 'text' }],
    ['meeting', { label: 'Réunion', input: 'kind' }],
    ['targets', { label: 'Ce sur quoi porte la décision', input: 'siae' }],
  ]);
  const targets: TargetInput[] = [];
  const add = (t: TargetInput, label: string, input: string) => {
    labels.set(`targets[${targets.length}]`, { label, input });
    targets.push(t);
  };
  for (const ref of values.objectives) add({ type: 'objective', ref }, 'Objectifs', 'objectives');
  for (const l of lines(values.siae))
    add(
      { type: 'siae', ref: l.cells[0] ?? '', label: l.cells.slice(1).join(' ; ') || undefined },
      `SIAE, ligne ${l.line}`,
      'siae',
    );
  for (const ref of values.plans) add({ type: 'plan', ref }, "Plans d'actions", 'plans');
  for (const ref of values.actions) add({ type: 'action', ref }, "Actions des plans d'actions", 'actions');
  return { input: { kind: values.kind, text: values.text, targets }, labels };
}

/**
 * The services name fields as the API does (`participants[2].name`); a form shows them as people read them, in the
 * summary at the top and next to the input concerned.
 */
export function formErrors(
  issues: readonly FieldIssue[],
  labels: Map<string, { label: string; input: string }>,
): { summary: FieldIssue[]; byInput: Record<string, string> } {
  const summary: FieldIssue[] = [];
  const byInput: Record<string, string> = {};
  for (const issue of issues) {
    const key = [...labels.keys()]
      .filter((k) => issue.field === k || issue.field.startsWith(`${k}.`) || issue.field.startsWith(`${k}[`))
      .sort((a, b) => b.length - a.length)[0];
    const found = key ? labels.get(key) : undefined;
    summary.push({ field: found?.label ?? issue.field, message: issue.message });
    const input = found?.input ?? issue.field;
    byInput[input] = byInput[input] ? `${byInput[input]} ; ${issue.message}` : issue.message;
  }
  return { summary, byInput };
}
