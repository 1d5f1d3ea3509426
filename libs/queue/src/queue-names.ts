/** Every queue, named once. Producers live in domain libs, processors in apps/worker. */
export const QueueNames = {
  imports: 'imports',
  simulation: 'simulation',
  maintenance: 'maintenance',
  training: 'training',
  evaluation: 'evaluation',
  webhooks: 'webhooks',
  features: 'features',
  experiments: 'experiments',
  alerts: 'alerts',
  retraining: 'retraining',
  fairness: 'fairness',
} as const;
export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];
