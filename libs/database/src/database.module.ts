import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@cap-iae/config';
import { dataSourceOptions, EntityList } from './data-source';
import { AppStateService } from './app-state.service';

@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityList): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => dataSourceOptions(config.database, entities),
        }),
      ],
      providers: [AppStateService],
      exports: [TypeOrmModule, AppStateService],
    };
  }
}
