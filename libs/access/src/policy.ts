import type { Role, RoleGrant } from './roles';

/**
 * The policy table: for each resource and action, which roles may act and how their territory scope applies.
 * Everything the app lets people do is written here, once; the guard, the services, the permission test and
 * docs/permissions.md all read this table.
 */
export const RESOURCES = {
  reference: ['read'],
  session: ['open', 'close'],
  observation: ['read', 'readProvisional', 'write', 'validate'],
  target: ['read', 'write'],
  progress: ['read', 'override'],
  user: ['manage'],
  account: ['self'],
  audit: ['read'],
  source: ['read', 'manage', 'run'],
  plan: ['read', 'readDraft', 'write', 'submit', 'validate', 'close'],
  instance: ['read', 'write'],
  funding: ['read', 'write'],
  bilan: ['read', 'generate'],
} as const;

export type Resource = keyof typeof RESOURCES;
export type Action<R extends Resource = Resource> = (typeof RESOURCES)[R][number];

/**
 * How a grant's territory meets the territory acted upon:
 * - `scope`: the grant's territory or any territory inside it;
 * - `region`: anywhere in the région that contains the grant's territory (a CDIAE reads its whole région);
 * - `anywhere`: no territory check (the action has none, e.g. one's own account).
 */
export type Reach = 'scope' | 'region' | 'anywhere';

export interface Rule {
  /** `public` means anybody, logged in or not. */
  public?: boolean;
  roles: Partial<Record<Role, Reach>>;
  description: string;
}

export const POLICY: { [R in Resource]: Record<Action<R>, Rule> } = {
  reference: {
    read: {
      public: true,
      roles: {},
      description: 'Lire le référentiel (territoires, stratégies, indicateurs)',
    },
  },
  session: {
    open: { public: true, roles: {}, description: 'Se connecter' },
    close: { public: true, roles: {}, description: 'Se déconnecter' },
  },
  observation: {
    read: { public: true, roles: {}, description: 'Lire les valeurs validées' },
    readProvisional: {
      roles: {
        admin: 'scope',
        cor_member: 'scope',
        cdiae_secretary: 'region',
        departmental_council: 'scope',
        data_manager: 'scope',
      },
      description: 'Lire aussi les valeurs provisoires',
    },
    write: {
      roles: { admin: 'scope', data_manager: 'scope' },
      description: 'Saisir ou importer des valeurs',
    },
    validate: {
      roles: { admin: 'scope', data_manager: 'scope' },
      description: 'Valider des valeurs provisoires',
    },
  },
  target: {
    read: { public: true, roles: {}, description: 'Lire les cibles' },
    write: { roles: { admin: 'scope', data_manager: 'scope' }, description: 'Fixer les cibles' },
  },
  progress: {
    read: {
      public: true,
      roles: {},
      description: "Lire les valeurs régionales agrégées et l'avancement de la stratégie",
    },
    override: {
      roles: { admin: 'scope' },
      description: "Forcer un statut d'avancement, avec une justification",
    },
  },
  user: {
    manage: { roles: { admin: 'scope' }, description: 'Gérer les comptes et leurs rôles' },
  },
  account: {
    self: {
      roles: {
        admin: 'anywhere',
        cor_member: 'anywhere',
        cdiae_secretary: 'anywhere',
        departmental_council: 'anywhere',
        data_manager: 'anywhere',
      },
      description: 'Gérer son propre compte (mot de passe, jetons, sessions)',
    },
  },
  source: {
    read: {
      roles: { admin: 'scope', data_manager: 'scope', cor_member: 'scope' },
      description: 'Voir les sources de données, leurs exécutions et lignes rejetées',
    },
    manage: {
      roles: { admin: 'scope', data_manager: 'scope' },
      description: 'Créer, configurer, tester et supprimer des sources',
    },
    run: {
      roles: { admin: 'scope', data_manager: 'scope' },
      description: 'Lancer une source, importer un fichier, prévisualiser',
    },
  },
  plan: {
    read: {
      roles: {
        admin: 'scope',
        cor_member: 'scope',
        cdiae_secretary: 'region',
        departmental_council: 'scope',
        data_manager: 'scope',
      },
      description: "Lire les plans d'actions soumis, validés ou clôturés",
    },
    readDraft: {
      roles: { admin: 'scope', cdiae_secretary: 'scope' },
      description: "Lire un plan d'actions en brouillon",
    },
    write: {
      roles: { admin: 'scope', cdiae_secretary: 'scope' },
      description: "Rédiger le plan d'actions, ses actions et leurs notes",
    },
    submit: {
      roles: { admin: 'scope', cdiae_secretary: 'scope' },
      description: 'Soumettre le plan au CDIAE',
    },
    validate: { roles: { admin: 'scope' }, description: "Enregistrer l'avis du CDIAE (plan validé)" },
    close: { roles: { admin: 'scope' }, description: 'Clôturer un plan' },
  },
  instance: {
    read: {
      roles: {
        admin: 'scope',
        cor_member: 'scope',
        cdiae_secretary: 'region',
        departmental_council: 'scope',
        data_manager: 'scope',
      },
      description: 'Lire les instances, réunions et décisions',
    },
    write: {
      roles: { admin: 'scope', cdiae_secretary: 'scope' },
      description: 'Enregistrer réunions, ordres du jour, comptes rendus et décisions',
    },
  },
  funding: {
    read: {
      roles: {
        admin: 'scope',
        cor_member: 'scope',
        cdiae_secretary: 'scope',
        departmental_council: 'scope',
        data_manager: 'scope',
      },
      description: 'Lire les financements (conférence des financeurs)',
    },
    // A conseil départemental edits only its own lines: the service checks the line's funder against the caller.
    write: {
      roles: { admin: 'scope', departmental_council: 'scope' },
      description: 'Saisir des lignes de financement',
    },
  },
  bilan: {
    read: {
      roles: {
        admin: 'scope',
        cor_member: 'scope',
        cdiae_secretary: 'region',
        departmental_council: 'scope',
        data_manager: 'scope',
      },
      description: 'Lire et télécharger les bilans COR-IAE et CDIAE générés',
    },
    // The bilan's territory decides: a COR-IAE bilan (région) needs a grant on the région, i.e. an administrator;
    // a CDIAE bilan (département) is also generated by the secretariat of that CDIAE. Narrative texts likewise.
    generate: {
      roles: { admin: 'scope', cdiae_secretary: 'scope' },
      description: 'Générer un bilan et rédiger ses textes',
    },
  },
  audit: {
    // Audit entries carry no territory: reading the trail is an administration right, not a territorial one.
    read: {
      roles: { admin: 'anywhere', data_manager: 'anywhere' },
      description: "Consulter l'historique des modifications",
    },
  },
};

/** Parent links of territories, so that a région's grant covers its départements. */
export type ParentOf = (code: string) => string | null | undefined;

export function covers(grantTerritory: string, target: string, parentOf: ParentOf): boolean {
  let current: string | null | undefined = target;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current === grantTerritory) return true;
    current = parentOf(current);
  }
  return false;
}

function regionOf(code: string, parentOf: ParentOf): string | undefined {
  let current: string | null | undefined = code;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current.startsWith('REG-')) return current;
    current = parentOf(current);
  }
  return undefined;
}

export function ruleFor(resource: Resource, action: string): Rule | undefined {
  return (POLICY[resource] as Record<string, Rule>)[action];
}

/**
 * Decides one action. `territories` lists every territory the action touches (all must be allowed); `undefined`
 * asks only whether the principal may do this action somewhere (the service then checks the object's territory).
 */
export function isAllowed(
  grants: readonly RoleGrant[],
  resource: Resource,
  action: string,
  territories: readonly string[] | undefined,
  parentOf: ParentOf,
): boolean {
  const rule = ruleFor(resource, action);
  if (!rule) return false;
  if (rule.public) return true;
  const usable = grants.filter((g) => rule.roles[g.role] !== undefined);
  if (usable.length === 0) return false;
  if (territories === undefined) return true;
  return territories.every((t) =>
    usable.some((g) => {
      const reach = rule.roles[g.role]!;
      if (reach === 'anywhere') return true;
      if (reach === 'region') {
        const r = regionOf(g.territory, parentOf);
        return r !== undefined && covers(r, t, parentOf);
      }
      return covers(g.territory, t, parentOf);
    }),
  );
}
