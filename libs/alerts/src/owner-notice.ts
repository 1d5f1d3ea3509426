/** The mail that tells a subscription's owner (its creator) that the subscription was paused by delivery failures. */
export interface OwnerNoticeInput {
  subscriptionId: string;
  candidateId: string;
  channel: 'email' | 'webhook';
  endpoint: string | null;
  reason: string;
  deliveryId: string | null;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderOwnerNotice(n: OwnerNoticeInput): { subject: string; text: string; html: string } {
  const subject = `Alert subscription ${n.subscriptionId} paused: deliveries failed`;
  const lines = [
    `Your job-alert ${n.channel} subscription ${n.subscriptionId} (candidate ${n.candidateId}) was paused.`,
    '',
    `Endpoint: ${n.endpoint ?? '-'}`,
    `Reason: ${n.reason}`,
    ...(n.deliveryId ? [`Failed alert delivery: ${n.deliveryId}`] : []),
    '',
    'No further alerts are sent to it until you resume it. After fixing the endpoint:',
    `  matchlab alerts resume ${n.subscriptionId}`,
    ...(n.deliveryId ? [`  matchlab alerts replay ${n.deliveryId}`] : []),
    `or the GraphQL mutations resumeAlertSubscription(id: "${n.subscriptionId}")${n.deliveryId ? ` and replayAlertDelivery(id: "${n.deliveryId}")` : ''}.`,
  ];
  const text = lines.join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif"><p>${lines.map((l) => escape(l)).join('<br>\n')}</p></body></html>`;
  return { subject, text, html };
}
