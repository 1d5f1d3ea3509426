import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength } from 'class-validator';

@InputType()
export class CreateWebhookInput {
  @Field({ description: 'http:// or https:// endpoint that receives a signed POST per registry event.' })
  @IsString() @MaxLength(2000)
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Event types (model.registered, version.created, alias.moved, version.archived); default: all.' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true })
  events?: string[];

  @Field(() => [String], { nullable: true, description: 'Only events of these models; default: all models.' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true })
  models?: string[];

  @Field({ nullable: true })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string;

  @Field({ nullable: true, description: 'Your own whsec_… secret (24–64 bytes, base64); default: a generated one, shown once.' })
  @IsOptional() @IsString() @MaxLength(200)
  secret?: string;
}
