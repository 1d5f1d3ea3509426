/**
 * The one list of protected attributes. Only the ones in COLLECTABLE_ATTRIBUTES may be stored (in
 * `candidate_protected_attributes`, with consent); the rest are named so the feature guard (protected-guard.spec.ts)
 * also catches a feature or a training column that would encode them some other way.
 */
export const COLLECTABLE_ATTRIBUTES = ['gender', 'age_band'] as const;
export type CollectableAttribute = (typeof COLLECTABLE_ATTRIBUTES)[number];

export const PROTECTED_ATTRIBUTE_NAMES: readonly string[] = [
  ...COLLECTABLE_ATTRIBUTES,
  'age', 'birth_date', 'date_of_birth', 'birth_year', 'sex', 'ethnicity', 'race', 'religion', 'disability',
  'sexual_orientation', 'marital_status', 'pregnancy', 'nationality',
];

/** The table that holds them; nothing but the fairness lib may read it. */
export const PROTECTED_ATTRIBUTES_TABLE = 'candidate_protected_attributes';

/** Values are free text but short and plain (e.g. `female`, `25-34`). */
export const ATTRIBUTE_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _+\-]{0,59}$/;

export function isCollectable(name: string): name is CollectableAttribute {
  return (COLLECTABLE_ATTRIBUTES as readonly string[]).includes(name);
}
