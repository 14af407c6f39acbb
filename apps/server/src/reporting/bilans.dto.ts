import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BILAN_KINDS } from '@cap-iae/reporting';

export class BilanKeyDto {
  @ApiProperty({ enum: BILAN_KINDS, description: 'cor-iae (région) ou cdiae (département)' })
  @IsIn([...BILAN_KINDS])
  kind!: 'cor-iae' | 'cdiae';

  @ApiProperty({ example: 'REG-11', description: 'Région (bilan COR-IAE) ou département (bilan CDIAE)' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: 'IDF-2021-2022' })
  @IsString()
  @MaxLength(40)
  strategy!: string;

  @ApiProperty({ example: 2021 })
  @IsInt()
  @Min(1980)
  @Max(2100)
  year!: number;
}

export class CreateBilanDto extends BilanKeyDto {}

export class NarrativeTextDto {
  @ApiProperty({ example: 'axe:2', description: 'synthese, axe:<n>, objectif:<n.n> ou conclusion' })
  @IsString()
  @MaxLength(40)
  ref!: string;

  @ApiProperty({ description: 'Texte (vide : supprime le texte)' })
  @IsString()
  @MaxLength(6000)
  text!: string;

  @ApiPropertyOptional({ description: 'Version lue (verrou optimiste) ; absente pour un nouveau texte' })
  @IsOptional()
  @IsInt()
  version?: number;
}

export class NarrativesDto extends BilanKeyDto {
  @ApiProperty({ type: [NarrativeTextDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => NarrativeTextDto)
  texts!: NarrativeTextDto[];
}
