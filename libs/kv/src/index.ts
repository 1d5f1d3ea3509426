export { KeyValueStore } from './key-value-store.js';
export { RedisKeyValueStore } from './redis-key-value-store.js';
export { PostgresKeyValueStore } from './postgres-key-value-store.js';
export { KvModule, createKeyValueStore } from './kv.module.js';
export { assertRedisReachable } from './redis-check.js';
