import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signStandardWebhook } from './webhook.sender';

describe(signStandardWebhook.name, () => {
  it('signs exactly as the standardwebhooks package does, and its verify accepts it', () => {
    for (const bytes of [24, 32, 64]) {
      const secret = `whsec_${randomBytes(bytes).toString('base64')}`;
      const at = new Date(Date.UTC(2026, 11, 3, 9, 30, 15, 789));
      const body = JSON.stringify({
        batchId: 'batch_1',
        entries: [{ label: 'Zoë — 日本語 \u2028 😀' }],
      });
      const signature = signStandardWebhook(secret, 'batch_1', at, body);
      expect(signature).toBe(new Webhook(secret).sign('batch_1', at, body));
      // The body as the UTF-8 parts a batch is sent in (cut inside a multi-byte character too).
      const utf8 = Buffer.from(body);
      const cut = utf8.indexOf(Buffer.from('日')) + 1;
      expect(
        signStandardWebhook(secret, 'batch_1', at, [utf8.subarray(0, 5), utf8.subarray(5, cut), utf8.subarray(cut)]),
      ).toBe(signature);
      expect(signStandardWebhook(secret, 'batch_1', at, [utf8.subarray(0, 5)])).not.toBe(signature);
      const headers = {
        'webhook-id': 'batch_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': '',
      };
      headers['webhook-signature'] = signStandardWebhook(
        secret,
        'batch_1',
        new Date(Number(headers['webhook-timestamp']) * 1000),
        body,
      );
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
      expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    }
  });
});
