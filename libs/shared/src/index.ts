export * from './domain-error';
export * from './period';
export * from './territory-code';
export * from './dimensions';
export * from './format-fr';
export * from './prng';
export * from './request-context';
export * from './audit-port';
