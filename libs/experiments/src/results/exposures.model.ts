import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ExperimentDayExposure')
export class ExperimentDayExposureModel {
  @Field({ description: 'UTC day (YYYY-MM-DD) the lists were served.' }) day!: string;
  @Field({ description: 'Variant the lists were served under ("(interleaved)" for interleaving experiments).' }) variant!: string;
  @Field(() => Int, { description: 'Distinct units served that day.' }) units!: number;
  @Field(() => Int, { description: 'Units served for the first time in the phase that day.' }) newUnits!: number;
  @Field(() => Int, { description: 'Ranked lists logged.' }) rankings!: number;
  @Field(() => Int, { description: 'Items exposed in those lists.' }) items!: number;
}
