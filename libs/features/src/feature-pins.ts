import { FeatureError } from './features.errors.js';

/**
 * How a model version pins a feature service version: this object goes into the version's `featureSet`
 * (RegistryService.createVersion(..., { featureSet: featureServicePin(service) })). Model versions are immutable,
 * so the pin is too; the pinned service version stays readable after its definition changes in code.
 */
export interface FeatureServicePin {
  featureService: {
    /** Stored id of the service version (feature_definitions.id). */
    id: number;
    name: string;
    version: number;
    fingerprint: string;
    /** "<view>.<feature>" in the order the model was trained on. */
    features: string[];
  };
}

export function featureServicePin(s: { id: number; name: string; version: number; fingerprint: string; featureNames: string[] }): FeatureServicePin {
  return { featureService: { id: s.id, name: s.name, version: s.version, fingerprint: s.fingerprint, features: [...s.featureNames] } };
}

/** The pin in a model version's featureSet; a typed error naming the field when there is none or it is malformed. */
export function readFeatureServicePin(featureSet: Record<string, unknown> | null | undefined, model: string): FeatureServicePin['featureService'] {
  const p = featureSet?.['featureService'] as Partial<FeatureServicePin['featureService']> | undefined;
  if (p === undefined || p === null) {
    throw new FeatureError('NOT_FOUND', `model version ${model} pins no feature service (its featureSet has no featureService)`, { field: 'featureSet.featureService', model });
  }
  if (typeof p !== 'object' || !Number.isInteger(p.id) || typeof p.name !== 'string' || !Number.isInteger(p.version)) {
    throw new FeatureError('INVALID_INPUT', `model version ${model}: featureSet.featureService must be { id, name, version, … } (see featureServicePin)`, { field: 'featureSet.featureService', model });
  }
  return { id: p.id!, name: p.name, version: p.version!, fingerprint: String(p.fingerprint ?? ''), features: Array.isArray(p.features) ? p.features.map(String) : [] };
}
