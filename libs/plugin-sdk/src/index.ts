export * from './version';
export * from './errors';
export * from './types';
export * from './define-plugin';
export * from './manifest';
export * from './test-kit';
export * from './http';
