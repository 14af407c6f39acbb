import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { TerritoriesService, TerritoryView } from '@cap-iae/territories';
import { PactView, StrategiesService, StrategyView } from '@cap-iae/strategy';
import { DomainError, TerritoryLevel } from '@cap-iae/shared';
import { Access } from '../access/access.decorator';

const LEVELS: TerritoryLevel[] = ['country', 'region', 'department', 'ept', 'employment_area'];

@ApiTags('Référentiel')
@Access('reference', 'read')
@Controller('api/v1')
export class ReferenceController {
  constructor(
    private readonly territories: TerritoriesService,
    private readonly strategies: StrategiesService,
  ) {}

  @Get('territories')
  @ApiOperation({ summary: 'Territoires (France, régions, départements)' })
  @ApiQuery({ name: 'level', required: false, enum: LEVELS })
  @ApiQuery({ name: 'parent', required: false, description: 'Code du territoire parent, ex. REG-11' })
  async listTerritories(
    @Query('level') level?: string,
    @Query('parent') parent?: string,
  ): Promise<TerritoryView[]> {
    if (level !== undefined && !LEVELS.includes(level as TerritoryLevel)) {
      throw DomainError.validation([
        { field: 'level', message: `valeur non admise (attendu : ${LEVELS.join(', ')})` },
      ]);
    }
    return this.territories.list({ level: level as TerritoryLevel | undefined, parent });
  }

  @Get('territories/:code')
  @ApiOperation({ summary: 'Un territoire' })
  getTerritory(@Param('code') code: string): Promise<TerritoryView> {
    return this.territories.get(code);
  }

  @Get('strategies')
  @ApiOperation({ summary: 'Stratégies, avec leurs axes et objectifs (arbre)' })
  listStrategies(): Promise<StrategyView[]> {
    return this.strategies.list();
  }

  @Get('strategies/:code')
  @ApiOperation({ summary: 'Une stratégie (arbre)' })
  getStrategy(@Param('code') code: string): Promise<StrategyView> {
    return this.strategies.get(code);
  }

  @Get('pacts')
  @ApiOperation({ summary: "Cadres nationaux (Pacte d'ambition pour l'IAE) : engagements et mesures" })
  listPacts(): Promise<PactView[]> {
    return this.strategies.pactsList();
  }
}
