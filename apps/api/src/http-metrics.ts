import type { PlatformMetrics } from '@app/telemetry';
import type { NextFunction, Request, Response } from 'express';

const KNOWN_ROUTES = ['/graphql', '/healthz', '/metrics'];

/** Latency per request; routes are bucketed so that arbitrary URLs cannot blow up label cardinality. */
export function httpMetricsMiddleware(metrics: PlatformMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    // Read the path now: mounted routers (Apollo's) rewrite req.path before the response finishes.
    const path = req.path;
    const route = KNOWN_ROUTES.includes(path) ? path : path.startsWith('/console') ? '/console' : 'other';
    res.on('finish', () => {
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, (performance.now() - start) / 1000);
    });
    next();
  };
}
