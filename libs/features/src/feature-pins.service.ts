import { Inject, Injectable } from '@nestjs/common';
import { RegistryService } from '@app/registry';
import { readFeatureServicePin } from './feature-pins.js';
import { FeatureError } from './features.errors.js';
import { FeatureRegistryService, type ResolvedService } from './feature-registry.service.js';

const CACHE_MS = 1000;

/** The feature service version a model version pins (see feature-pins.ts), for reads on behalf of a model. */
@Injectable()
export class FeaturePinsService {
  private readonly cache = new Map<string, { at: number; ref: string }>();

  constructor(@Inject(RegistryService) private readonly models: RegistryService, @Inject(FeatureRegistryService) private readonly features: FeatureRegistryService) {}

  /** "jobs-hybrid@champion" or "jobs-hybrid/3" → the pinned service version, with its stored schema. */
  async serviceForModel(modelRef: string): Promise<ResolvedService> {
    const { version } = await this.models.resolve(modelRef);
    const pin = readFeatureServicePin(version.featureSet, modelRef);
    let service: ResolvedService;
    try {
      service = await this.features.resolveServiceById(pin.id);
    } catch (err) {
      if (err instanceof FeatureError && err.code === 'NOT_FOUND') throw new FeatureError('NOT_FOUND', `model version ${modelRef} pins feature service ${pin.name}/${pin.version}, which is not stored here`, { field: 'featureSet.featureService', model: modelRef });
      throw err;
    }
    if (service.name !== pin.name || service.version !== pin.version) {
      throw new FeatureError('INVALID_INPUT', `model version ${modelRef} pins ${pin.name}/${pin.version}, but id ${pin.id} is ${service.name}/${service.version}`, { field: 'featureSet.featureService', model: modelRef });
    }
    return service;
  }

  /** The pinned service as a "name/version" ref; an alias move is seen within a second. */
  async serviceRefForModel(modelRef: string): Promise<string> {
    const hit = this.cache.get(modelRef);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.ref;
    const s = await this.serviceForModel(modelRef);
    const ref = `${s.name}/${s.version}`;
    this.cache.set(modelRef, { at: Date.now(), ref });
    return ref;
  }
}
