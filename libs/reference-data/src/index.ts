export * from './reference-seeder';
export * from './demo-loader';
export * from './demo-generator';
export * from './reference-files';
export * from './repo-path';
export * from './reference-data.module';
