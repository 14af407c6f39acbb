import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';
import { OBSERVATION_STATUSES, type ObservationStatus } from '@cap-iae/indicators';

export const MAX_RECORDS_PER_REQUEST = 10_000;

export class ObservationRecordDto {
  @ApiProperty({ example: 'SIAE_NB', description: "Code de l'indicateur" })
  @IsString()
  @MaxLength(60)
  indicator!: string;

  @ApiProperty({ example: 'DEP-93', description: 'Code du territoire (REG-11, DEP-93…)' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: '2021', description: 'Année (2021) ou trimestre (2021-T3)' })
  @IsString()
  @MaxLength(10)
  period!: string;

  @ApiPropertyOptional({ example: { siae_type: 'ACI' }, description: 'Ventilation ; absente pour le total' })
  @IsOptional()
  @IsObject()
  dimensions?: Record<string, string>;

  @ApiPropertyOptional({ example: 153 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;

  @ApiPropertyOptional({ description: 'Numérateur (indicateurs de type ratio)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  numerator?: number;

  @ApiPropertyOptional({ description: 'Dénominateur (indicateurs de type ratio)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  denominator?: number;

  @ApiPropertyOptional({ enum: OBSERVATION_STATUSES, default: 'provisional' })
  @IsOptional()
  @IsIn(OBSERVATION_STATUSES)
  status?: ObservationStatus;

  @ApiPropertyOptional({ description: 'Source citée (document, fichier, API)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  sourceLabel?: string;

  @ApiPropertyOptional({ description: 'Valeur publiée mais douteuse' })
  @IsOptional()
  @IsBoolean()
  doubtful?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class WriteObservationsDto {
  @ApiProperty({ type: [ObservationRecordDto], maxItems: MAX_RECORDS_PER_REQUEST })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => ObservationRecordDto)
  records!: ObservationRecordDto[];
}

export class WriteObservationsResultDto {
  @ApiProperty({ description: 'Valeurs reçues' })
  received!: number;

  @ApiProperty({ description: 'Valeurs créées ou modifiées (une valeur identique à l’existante compte 0)' })
  written!: number;
}

export class TargetDto {
  @ApiProperty({ example: 'SIAE_NB' })
  @IsString()
  @MaxLength(60)
  indicator!: string;

  @ApiProperty({ example: 'REG-11' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: 2022, minimum: MIN_YEAR, maximum: MAX_YEAR })
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year!: number;

  @ApiPropertyOptional({ example: { siae_type: 'ETTI' } })
  @IsOptional()
  @IsObject()
  dimensions?: Record<string, string>;

  @ApiProperty({ example: 480 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;

  @ApiPropertyOptional({ description: 'Justification ou commentaire' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ObservationKeyDto {
  @ApiProperty({ example: 'SIAE_NB' })
  @IsString()
  @MaxLength(60)
  indicator!: string;

  @ApiProperty({ example: 'DEP-93' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: '2021' })
  @IsString()
  @MaxLength(10)
  period!: string;

  @ApiPropertyOptional({ example: { siae_type: 'ACI' } })
  @IsOptional()
  @IsObject()
  dimensions?: Record<string, string>;
}

export class ValidateObservationsDto {
  @ApiPropertyOptional({ type: [ObservationKeyDto], description: 'Valeurs à valider une à une' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => ObservationKeyDto)
  keys?: ObservationKeyDto[];

  @ApiPropertyOptional({ description: "Référence d'un lot importé (toutes ses valeurs provisoires)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  provenanceRef?: string;
}
