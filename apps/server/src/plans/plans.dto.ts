import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ACTION_STATUSES, type ActionStatus } from '@cap-iae/action-plans';

/**
 * Shapes only: the rules (dates, objectives of the plan's strategy, indicator codes, budget lines…) are checked by
 * PlansService, the same for the API, the pages and the XLSX import.
 */
export class CreatePlanDto {
  @ApiProperty({ example: 'DEP-93' })
  @IsString()
  @MaxLength(20)
  department!: string;

  @ApiProperty({ example: 'IDF-2021-2022', description: 'Code de la stratégie régionale déclinée' })
  @IsString()
  @MaxLength(40)
  strategy!: string;

  @ApiProperty({ example: 2022 })
  @IsInt()
  year!: number;

  @ApiPropertyOptional({ description: 'Présentation du plan' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  summary?: string | null;

  @ApiPropertyOptional({ description: "Partir du plan de l'an dernier (mêmes département et stratégie)" })
  @IsOptional()
  @IsBoolean()
  copyFromPreviousYear?: boolean;
}

export class UpdatePlanDto {
  @ApiPropertyOptional({ description: 'Présentation du plan' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  summary?: string | null;

  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class TransitionDto {
  @ApiPropertyOptional({ description: 'Version lue du plan : refusé (409) si elle est périmée' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ValidationDto extends TransitionDto {
  @ApiProperty({ example: '2022-04-12', description: "Date de l'avis du CDIAE (AAAA-MM-JJ)" })
  @IsString()
  @MaxLength(10)
  avisDate!: string;

  @ApiPropertyOptional({ description: "Commentaire de l'avis" })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string | null;
}

export class BudgetLineDto {
  @ApiProperty({ example: 2022 })
  @IsInt()
  year!: number;

  @ApiProperty({ example: 'État' })
  @IsString()
  @MaxLength(120)
  funder!: string;

  @ApiPropertyOptional({ example: 15000, description: 'Prévisionnel, en euros' })
  @IsOptional()
  @IsNumber()
  planned?: number | null;

  @ApiPropertyOptional({ example: 12500, description: 'Réalisé, en euros' })
  @IsOptional()
  @IsNumber()
  actual?: number | null;
}

export class ActionDto {
  @ApiProperty({ example: "Organiser un forum de l'IAE avec les entreprises du territoire" })
  @IsString()
  @MaxLength(300)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ example: "Inser'éco 93", description: 'Structure pilote (texte libre)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pilotOrganisation?: string | null;

  @ApiPropertyOptional({ example: 'Chargée de développement', description: 'Personne pilote (texte libre)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pilotPerson?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['France Travail', 'CCI'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  partners?: string[];

  @ApiPropertyOptional({ example: '2022-01-15', description: 'AAAA-MM-JJ' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  startDate?: string | null;

  @ApiPropertyOptional({ example: '2022-06-30', description: 'Fin prévue, AAAA-MM-JJ' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  dueDate?: string | null;

  @ApiPropertyOptional({ description: 'Fin réelle, AAAA-MM-JJ (action réalisée ou abandonnée)' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  endDate?: string | null;

  @ApiPropertyOptional({ enum: ACTION_STATUSES, default: 'planned' })
  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status?: ActionStatus;

  @ApiPropertyOptional({ example: 40, description: 'Avancement, 0 à 100 %' })
  @IsOptional()
  @IsInt()
  progress?: number;

  @ApiProperty({
    type: [Number],
    description: 'Identifiants des objectifs de la stratégie du plan (un au moins)',
  })
  @IsArray()
  @ArrayMaxSize(30)
  @IsInt({ each: true })
  objectiveIds!: number[];

  @ApiPropertyOptional({
    type: [String],
    example: ['TX_SORTIES_DYNAMIQUES'],
    description: 'Codes du catalogue',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(40)
  @IsString({ each: true })
  indicators?: string[];

  @ApiPropertyOptional({ type: [BudgetLineDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => BudgetLineDto)
  budgets?: BudgetLineDto[];
}

export class UpdateActionDto extends ActionDto {
  @ApiProperty({ description: "Version lue de l'action (verrou optimiste)" })
  @IsInt()
  @Min(1)
  version!: number;
}

export class NoteDto {
  @ApiPropertyOptional({
    example: '2022-05-10',
    description: "Jour dont parle la note (AAAA-MM-JJ), aujourd'hui par défaut",
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  date?: string;

  @ApiProperty({ example: 'Point d’étape en CDIAE : calendrier confirmé.' })
  @IsString()
  @MaxLength(5000)
  text!: string;
}
