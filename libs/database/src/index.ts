export * from './data-source';
export * from './migrate';
export * from './transaction';
export * from './database.module';
export * from './column-types';
export { MIGRATIONS } from './migrations';
export * from './app-state.entity';
export * from './app-state.service';
