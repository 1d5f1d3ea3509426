import { Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AlertError } from './alerts.errors.js';
import { AlertsService } from './alerts.service.js';
import { escapeHtml } from './email-template.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;color:#111827"><h1 style="font-size:20px">${escapeHtml(title)}</h1>${body}</body></html>`;

/**
 * The links in alert emails. Unsubscribe (RFC 8058): POST (the mailbox provider's one-click, or the button on the
 * page) unsubscribes and answers 200 with no redirect; GET only shows a confirmation page, because link scanners
 * prefetch GETs. Click: records the click with the alert's ranking id and position, then redirects to the job.
 */
@Controller('alerts')
export class AlertsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get('u/:token')
  async confirm(@Param('token') token: string, @Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    try {
      const sub = await this.alerts.subscriptionForToken(token);
      if (sub.status === 'unsubscribed') {
        res.status(200).type('html').send(page('You are unsubscribed', '<p>You will not receive these job alerts any more.</p>'));
        return;
      }
      const who = sub.email ? ` for ${escapeHtml(sub.email)}` : '';
      res.status(200).type('html').send(page('Unsubscribe from job alerts?', `<p>Stop the ${escapeHtml(sub.frequency)} job alert${who}.</p>
<form method="post" action=""><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="font-size:16px;padding:8px 16px">Unsubscribe</button></form>`));
    } catch (err) {
      this.invalid(err, res);
    }
  }

  @Post('u/:token')
  async unsubscribe(@Param('token') token: string, @Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    try {
      await this.alerts.unsubscribeByToken(token);
      res.status(200).type('html').send(page('You are unsubscribed', '<p>You will not receive these job alerts any more.</p>'));
    } catch (err) {
      this.invalid(err, res);
    }
  }

  @Get('c/:token')
  async click(@Param('token') token: string, @Res() res: Response): Promise<void> {
    try {
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, await this.alerts.click(token));
    } catch (err) {
      this.invalid(err, res);
    }
  }

  private invalid(err: unknown, res: Response): void {
    if (err instanceof AlertError && (err.code === 'INVALID_TOKEN' || err.code === 'NOT_FOUND')) {
      res.status(404).type('html').send(page('Link not valid', `<p>${escapeHtml(err.message)}.</p>`));
      return;
    }
    throw err;
  }
}
