export * from './core.module';
export * from './bootstrapper';
