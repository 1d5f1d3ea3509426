import { describe, expect, it } from '@jest/globals';
import { renderOwnerNotice } from './owner-notice.js';

describe('renderOwnerNotice', () => {
  const base = { subscriptionId: '7', candidateId: '42', channel: 'webhook' as const, endpoint: 'https://hooks.example.com/a?x=1&y=<2>', reason: 'endpoint answered 410 Gone', deliveryId: '99' };

  it('names the subscription, endpoint, reason, failed delivery and how to resume and replay, in both parts', () => {
    const m = renderOwnerNotice(base);
    expect(m.subject).toBe('Alert subscription 7 paused: deliveries failed');
    expect(m.text.split('\n')).toEqual([
      'Your job-alert webhook subscription 7 (candidate 42) was paused.',
      '',
      'Endpoint: https://hooks.example.com/a?x=1&y=<2>',
      'Reason: endpoint answered 410 Gone',
      'Failed alert delivery: 99',
      '',
      'No further alerts are sent to it until you resume it. After fixing the endpoint:',
      '  matchlab alerts resume 7',
      '  matchlab alerts replay 99',
      'or the GraphQL mutations resumeAlertSubscription(id: "7") and replayAlertDelivery(id: "99").',
    ]);
    expect(m.html).toContain('Endpoint: https://hooks.example.com/a?x=1&amp;y=&lt;2&gt;');
    expect(m.html).not.toContain('<2>');
  });

  it('without a failed delivery it offers no replay', () => {
    const m = renderOwnerNotice({ ...base, deliveryId: null });
    expect(m.text).not.toMatch(/replay/i);
    expect(m.text).toContain('resumeAlertSubscription(id: "7").');
  });
});
