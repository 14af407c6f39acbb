import { Module } from '@nestjs/common';
import { TerritoriesModule } from '@cap-iae/territories';
import { IndicatorsModule } from '@cap-iae/indicators';
import { ReferenceSeeder } from './reference-seeder';
import { DemoLoader } from './demo-loader';

@Module({
  imports: [TerritoriesModule, IndicatorsModule],
  providers: [ReferenceSeeder, DemoLoader],
  exports: [ReferenceSeeder, DemoLoader],
})
export class ReferenceDataModule {}
