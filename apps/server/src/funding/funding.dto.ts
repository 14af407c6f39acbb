import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';
import { FUNDER_KINDS, FUNDING_SIAE_TYPES } from '@cap-iae/funding';

// The DTOs check shapes only; the services check meaning (known funder, scheme of the funder's kind, département…)
// so that the API and the page forms give the same French messages.

export class FunderDto {
  @ApiProperty({ example: 'CD-59', description: 'Code stable (majuscules, chiffres, « - », « _ »)' })
  @IsString()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: 'Conseil départemental du Nord' })
  @IsString()
  @MaxLength(200)
  label!: string;

  @ApiProperty({ enum: FUNDER_KINDS, example: 'departmental_council' })
  @IsString()
  @MaxLength(30)
  kind!: string;

  @ApiPropertyOptional({
    example: 'DEP-59',
    nullable: true,
    description: 'Territoire du financeur ; obligatoire (un département) pour un conseil départemental',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  territory?: string | null;
}

export class UpdateFunderDto {
  @ApiProperty({ example: 'Conseil départemental du Nord' })
  @IsString()
  @MaxLength(200)
  label!: string;

  @ApiProperty({ enum: FUNDER_KINDS })
  @IsString()
  @MaxLength(30)
  kind!: string;

  @ApiPropertyOptional({ example: 'DEP-59', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  territory?: string | null;

  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class SchemeDto {
  @ApiProperty({ example: 'APPEL_PROJETS_93' })
  @IsString()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ example: 'Appel à projets départemental' })
  @IsString()
  @MaxLength(200)
  label!: string;

  @ApiProperty({ enum: FUNDER_KINDS, isArray: true, example: ['departmental_council'] })
  @IsArray()
  @ArrayMaxSize(FUNDER_KINDS.length)
  @IsString({ each: true })
  funderKinds!: string[];

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class UpdateSchemeDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  label!: string;

  @ApiProperty({ enum: FUNDER_KINDS, isArray: true })
  @IsArray()
  @ArrayMaxSize(FUNDER_KINDS.length)
  @IsString({ each: true })
  funderKinds!: string[];

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class FundingLineDto {
  @ApiProperty({ example: 'CD-77', description: 'Code du financeur (GET /api/v1/funders)' })
  @IsString()
  @MaxLength(40)
  funder!: string;

  @ApiProperty({ example: 'CDDI_RSA', description: 'Code du dispositif (GET /api/v1/funding-schemes)' })
  @IsString()
  @MaxLength(40)
  scheme!: string;

  @ApiProperty({ example: 'DEP-77', description: 'Département de la ligne' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: 2022 })
  @IsInt()
  year!: number;

  @ApiPropertyOptional({
    enum: FUNDING_SIAE_TYPES,
    nullable: true,
    description: 'Type de SIAE ; absent ou vide : tous types',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  siaeType?: string | null;

  @ApiProperty({ example: 980000, description: 'Montant engagé (€)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  committed!: number;

  @ApiPropertyOptional({ example: 910000, nullable: true, description: 'Montant versé (€)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  paid?: number | null;

  @ApiPropertyOptional({ example: 168.5, nullable: true, description: 'ETP financés' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  etp?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string | null;
}

export class UpdateFundingLineDto extends FundingLineDto {
  @ApiProperty({
    description: 'Version lue (verrou optimiste) : 409 avec les deux versions si elle est périmée',
  })
  @IsInt()
  @Min(1)
  version!: number;
}
