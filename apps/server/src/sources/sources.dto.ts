import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export class SourceDto {
  @ApiProperty({ example: 'fichier', description: 'Identifiant du greffon' })
  @IsString()
  @MaxLength(60)
  pluginId!: string;

  @ApiProperty({ example: 'Bilans DREETS 93' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'DEP-93', description: 'Territoire des données de la source (portée des droits)' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({
    enum: ['strict', 'accept_valid'],
    description: 'strict : une ligne fautive et rien n’est écrit',
  })
  @IsIn(['strict', 'accept_valid'])
  mode!: 'strict' | 'accept_valid';

  @ApiPropertyOptional({
    example: '0 3 * * 1',
    description: 'Planification cron (5 champs), heure du serveur',
  })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  schedule?: string;

  @ApiProperty({ description: 'Configuration, selon le schéma du greffon (GET /api/v1/plugins)' })
  @IsObject()
  config!: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateSourceDto extends SourceDto {
  @ApiProperty({ description: 'Version lue (verrou optimiste)' })
  @IsInt()
  @Min(1)
  version!: number;
}
