/**
 * The alert email: one template rendered to an HTML part (table layout with inline styles, which is what mail
 * clients render reliably) and a plain-text part with the same links. Every interpolated value is escaped.
 */
export interface EmailJob {
  title: string;
  company: string | null;
  location: string | null;
  remote: boolean;
  salary: string | null;
  clickUrl: string;
  /** Why the job is recommended (short texts from the ranking's explanations). */
  reasons?: string[];
}

export interface AlertEmailContent {
  recipientName: string | null;
  jobs: EmailJob[];
  unsubscribeUrl: string;
  frequency: 'instant' | 'daily' | 'weekly';
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const where = (j: EmailJob) => [j.company, j.location ?? (j.remote ? 'Remote' : null), j.remote && j.location ? 'remote possible' : null].filter(Boolean).join(' · ');

export function renderAlertEmail(c: AlertEmailContent): RenderedEmail {
  const n = c.jobs.length;
  const subject = `${n} new job${n === 1 ? '' : 's'} for you${c.jobs[0] ? `: ${c.jobs[0].title}` : ''}`;
  const hello = c.recipientName ? `Hello ${c.recipientName},` : 'Hello,';
  const intro = `Here ${n === 1 ? 'is the new job' : `are ${n} new jobs`} matching your ${c.frequency} alert.`;
  const rows = c.jobs
    .map(
      (j) => `<tr><td style="padding:12px 0;border-bottom:1px solid #e5e7eb">
  <a href="${escapeHtml(j.clickUrl)}" style="font-size:16px;font-weight:600;color:#1d4ed8;text-decoration:none">${escapeHtml(j.title)}</a>
  <div style="font-size:14px;color:#374151">${escapeHtml(where(j))}</div>${j.salary ? `\n  <div style="font-size:13px;color:#6b7280">${escapeHtml(j.salary)}</div>` : ''}${j.reasons?.length ? `\n  <div style="font-size:13px;color:#047857">Why: ${escapeHtml(j.reasons.join(' · '))}</div>` : ''}
</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f3f4f6"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellspacing="0" cellpadding="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;padding:24px">
<tr><td style="font-size:15px;color:#111827;padding-bottom:8px">${escapeHtml(hello)}</td></tr>
<tr><td style="font-size:15px;color:#111827;padding-bottom:8px">${escapeHtml(intro)}</td></tr>
${rows}
<tr><td style="font-size:12px;color:#6b7280;padding-top:16px">You receive this because you subscribed to job alerts. <a href="${escapeHtml(c.unsubscribeUrl)}" style="color:#6b7280">Unsubscribe</a></td></tr>
</table></td></tr></table>
</body></html>
`;
  const text = [
    hello,
    '',
    intro,
    '',
    ...c.jobs.flatMap((j, i) => [`${i + 1}. ${j.title}`, ...(where(j) ? [`   ${where(j)}`] : []), ...(j.salary ? [`   ${j.salary}`] : []), ...(j.reasons?.length ? [`   Why: ${j.reasons.join(' · ')}`] : []), `   ${j.clickUrl}`, '']),
    'You receive this because you subscribed to job alerts.',
    `Unsubscribe: ${c.unsubscribeUrl}`,
    '',
  ].join('\n');
  return { subject, html, text };
}
