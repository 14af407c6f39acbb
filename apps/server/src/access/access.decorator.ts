import { SetMetadata } from '@nestjs/common';
import type { Resource } from '@cap-iae/access';

/**
 * Where the territory acted upon is read from the request. `object` means the controller or service checks the
 * territory of the object it loads (the guard then only checks that some role allows the action at all).
 */
export type TerritorySource =
  | { query: string }
  | { param: string }
  | { body: string }
  | { bodyList: string; field: string }
  | 'object'
  | 'none';

export interface RoutePolicy {
  resource: Resource;
  action: string;
  territory: TerritorySource;
}

export const ROUTE_POLICY = 'cap-iae:route-policy';

/** Every route declares this; the global guard refuses any route that does not (fail closed). */
export const Access = (resource: Resource, action: string, territory: TerritorySource = 'none') =>
  SetMetadata(ROUTE_POLICY, { resource, action, territory } satisfies RoutePolicy);
