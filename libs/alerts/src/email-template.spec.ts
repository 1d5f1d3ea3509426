import { describe, expect, it } from '@jest/globals';
import { renderAlertEmail } from './email-template.js';

describe('alert email: reasons', () => {
  const job = { title: 'Data Analyst', company: 'Acme', location: 'Berlin', remote: false, salary: null, clickUrl: 'https://x.test/c/1' };
  it('renders each job\'s reasons in the HTML (escaped) and the text part', () => {
    const mail = renderAlertEmail({ recipientName: 'Ada', frequency: 'daily', unsubscribeUrl: 'https://x.test/u', jobs: [{ ...job, reasons: ['Matches your skills: SQL, C<++>', 'New in Berlin'] }] });
    expect(mail.html).toContain('Why: Matches your skills: SQL, C&lt;++&gt; · New in Berlin');
    expect(mail.text).toContain('   Why: Matches your skills: SQL, C<++> · New in Berlin\n   https://x.test/c/1');
  });
  it('no reasons, no "Why" line', () => {
    const mail = renderAlertEmail({ recipientName: null, frequency: 'daily', unsubscribeUrl: 'https://x.test/u', jobs: [job] });
    expect(mail.html).not.toContain('Why:');
    expect(mail.text).not.toContain('Why:');
  });
});
