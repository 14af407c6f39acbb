import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ROLES, type Role } from '@cap-iae/access';

export class LoginDto {
  @ApiProperty({ example: 'admin@demo.cap-iae.fr' })
  @IsString()
  @MaxLength(120)
  login!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({
    description: '12 caractères au moins, trois types parmi minuscules, majuscules, chiffres, symboles',
  })
  @IsString()
  @MaxLength(200)
  newPassword!: string;
}

export class RoleGrantDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ example: 'DEP-93' })
  @IsString()
  @MaxLength(20)
  territory!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'prenom.nom@drieets.gouv.fr' })
  @IsString()
  @MaxLength(120)
  login!: string;

  @ApiProperty({ example: 'Prénom Nom' })
  @IsString()
  @MaxLength(120)
  displayName!: string;

  @ApiProperty({ type: [RoleGrantDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles!: RoleGrantDto[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: [RoleGrantDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RoleGrantDto)
  roles?: RoleGrantDto[];

  @ApiProperty({
    description: 'Version lue : une modification faite entre-temps par quelqu’un d’autre est signalée (409)',
  })
  @IsInt()
  @Min(1)
  version!: number;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'Import nocturne DREETS' })
  @IsString()
  @MaxLength(120)
  name!: string;
}
