import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ROLES, type Role } from './permissions.js';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r, r])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('Session')
export class SessionModel {
  @Field({ description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field()
  expiresAt!: Date;

  @Field({ description: 'Exchange with refreshSession for a new token before `refreshExpiresAt`; single use (rotated each time).' })
  refreshToken!: string;

  @Field()
  refreshExpiresAt!: Date;

  @Field(() => RoleEnum)
  role!: Role;
}

@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID)
  id!: string;

  @Field()
  prefix!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => [String], { nullable: true, description: 'Permissions the key is restricted to; null: everything its role has.' })
  scopes!: string[] | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field({ description: 'The whole key. Shown only now; store it safely.' })
  key!: string;

  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;
}

@ObjectType('Principal')
export class PrincipalModel {
  @Field()
  kind!: string;

  @Field(() => ID)
  id!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field()
  label!: string;

  @Field(() => [String], { nullable: true, description: 'For a scoped API key: the permissions it is restricted to.' })
  scopes?: readonly string[];
}
