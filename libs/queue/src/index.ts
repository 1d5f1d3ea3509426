export { QueueModule, QueueBackendInfo, queueConnectionOptions } from './queue.module.js';
export { QueueNames, type QueueName } from './queue-names.js';
export { QueueInstrumentation } from './queue-instrumentation.js';
