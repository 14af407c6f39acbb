import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DECISION_KINDS, INSTANCE_LEVELS, LIMITS, MEETING_STATUSES, TARGET_TYPES } from '@cap-iae/governance';

/*
 * The DTOs check shapes and types only; required fields, allowed values and cross-field rules are checked by the
 * services, which the pages call too, so that both answer with the same French sentence per field.
 */

export class InstanceTypeDto {
  @ApiProperty({ example: 'CTIE', description: 'Code stable (majuscules, chiffres, « _ », « - »)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  code?: string;

  @ApiProperty({ example: "Comité territorial de l'inclusion dans l'emploi" })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  label?: string;

  @ApiProperty({ enum: INSTANCE_LEVELS, description: 'Niveau du territoire où siègent ses instances' })
  @IsOptional()
  @IsString()
  level?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.description + 100)
  description?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'Un type désactivé ne reçoit plus de nouvelle instance',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateInstanceTypeDto extends InstanceTypeDto {
  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class InstanceDto {
  @ApiProperty({ example: 'CDIAE', description: "Type d'instance : code ou identifiant", type: String })
  @IsOptional()
  @Allow()
  type?: string | number;

  @ApiProperty({ example: 'DEP-93', description: "Territoire de l'instance (au niveau de son type)" })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  territory?: string;

  @ApiProperty({ example: 'CDIAE de la Seine-Saint-Denis' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;
}

export class UpdateInstanceDto {
  @ApiProperty({ example: 'CDIAE de la Seine-Saint-Denis' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ description: 'false : instance fermée, elle ne tient plus de réunion' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class ParticipantDto {
  @ApiProperty({ example: 'Nadia Benali' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ example: 'UD DREETS 93' })
  @IsOptional()
  @IsString()
  organisation?: string;

  @ApiPropertyOptional({ example: 'secrétariat' })
  @IsOptional()
  @IsString()
  role?: string;
}

export class AgendaItemDto {
  @ApiProperty({ example: 'Avis sur les conventionnements ACI' })
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional({ example: 'UD DREETS 93' })
  @IsOptional()
  @IsString()
  presenter?: string;
}

class MeetingFieldsDto {
  @ApiProperty({ example: '2021-10-14', description: 'Date (AAAA-MM-JJ)' })
  @IsOptional()
  @IsString()
  date?: string;

  @ApiProperty({ example: 'CDIAE 93 — séance 3 de 2021' })
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional({
    enum: MEETING_STATUSES,
    default: 'planned',
    description: 'planned = prévue, held = tenue, cancelled = annulée',
  })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ type: [ParticipantDto], description: 'Participants (texte libre, pas des comptes)' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants?: ParticipantDto[];

  @ApiPropertyOptional({ type: [AgendaItemDto], description: 'Ordre du jour, dans l’ordre' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AgendaItemDto)
  agenda?: AgendaItemDto[];

  @ApiPropertyOptional({ description: 'Compte rendu' })
  @IsOptional()
  @IsString()
  minutes?: string;
}

export class MeetingDto extends MeetingFieldsDto {
  @ApiProperty({ description: "Identifiant de l'instance qui se réunit" })
  @IsInt()
  @Min(1)
  instanceId!: number;
}

export class UpdateMeetingDto extends MeetingFieldsDto {
  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class TargetDto {
  @ApiProperty({
    enum: TARGET_TYPES,
    description:
      "action = action d'un plan d'actions, plan = plan d'actions, objective = objectif, siae = SIAE",
  })
  @IsOptional()
  @IsString()
  type?: string;

  @ApiProperty({
    example: '12',
    type: String,
    description: "Identifiant de l'action, du plan ou de l'objectif ; SIRET de la SIAE",
  })
  @IsOptional()
  @Allow()
  ref?: string | number;

  @ApiPropertyOptional({ description: 'Nom de la SIAE (les autres libellés sont lus en base)' })
  @IsOptional()
  @IsString()
  label?: string;
}

export class DecisionDto {
  @ApiProperty({
    enum: DECISION_KINDS,
    description:
      'decision = décision, favourable_opinion = avis favorable, unfavourable_opinion = avis défavorable, reserved_opinion = avis réservé, recommendation = recommandation',
  })
  @IsOptional()
  @IsString()
  kind?: string;

  @ApiProperty({ example: "Avis favorable au conventionnement de l'ACI." })
  @IsOptional()
  @IsString()
  text?: string;

  @ApiPropertyOptional({ type: [TargetDto], description: 'Ce sur quoi porte la décision' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TargetDto)
  targets?: TargetDto[];
}

export class UpdateDecisionDto extends DecisionDto {
  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}
