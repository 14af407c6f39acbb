import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IndicatorsModule } from '@cap-iae/indicators';
import { TerritoriesModule } from '@cap-iae/territories';
import { PluginRegistry } from './plugin-registry';
import { SourceRunner } from './source-runner.service';
import { SourceScheduler } from './source-scheduler.service';
import { SourcesService } from './sources.service';
import { PLUGIN_HOST_ENTITIES } from './sources.entities';

@Module({
  imports: [TypeOrmModule.forFeature(PLUGIN_HOST_ENTITIES), IndicatorsModule, TerritoriesModule],
  providers: [PluginRegistry, SourceRunner, SourceScheduler, SourcesService],
  exports: [PluginRegistry, SourceRunner, SourceScheduler, SourcesService],
})
export class PluginHostModule {}
