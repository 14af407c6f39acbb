import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_YEAR, MIN_YEAR } from '@cap-iae/shared';
import { MAX_JUSTIFICATION_LENGTH, MIN_JUSTIFICATION_LENGTH, PROGRESS_STATUSES } from '@cap-iae/indicators';

export class ProgressOverrideDto {
  @ApiProperty({ example: 'SIAE_NB' })
  @IsString()
  @MaxLength(60)
  indicator!: string;

  @ApiProperty({ example: 'REG-11' })
  @IsString()
  @MaxLength(20)
  territory!: string;

  @ApiProperty({ example: 2021, minimum: MIN_YEAR, maximum: MAX_YEAR })
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year!: number;

  @ApiProperty({ enum: PROGRESS_STATUSES, example: 'en_bonne_voie' })
  @IsIn(PROGRESS_STATUSES)
  status!: string;

  // The minimum length is the service's rule (it trims first); the DTO only guards the shape and the size.
  @ApiProperty({
    minLength: MIN_JUSTIFICATION_LENGTH,
    maxLength: MAX_JUSTIFICATION_LENGTH,
    example: 'Les sorties de 2021 du 93 manquent : le bilan DREETS complet montre la cible atteinte.',
    description: 'Pourquoi le statut calculé est remplacé (obligatoire)',
  })
  @IsString()
  @MaxLength(MAX_JUSTIFICATION_LENGTH)
  justification!: string;
}
