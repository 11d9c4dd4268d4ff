/**
 * The calls SMTPeter makes for a real newsletter send, per 10,000 messages
 * (README "The campaign mix" gives the sources):
 *
 * - delivery 9,900: about 1% is not delivered (Mailchimp's all-industry
 *   benchmark: 0.40% hard and 0.58% soft bounces).
 * - open 5,500: 35% of delivered messages opened (Apple Mail Privacy
 *   Protection prefetches lifted open rates from the 21% of Mailchimp's
 *   pre-2021 benchmark), 1.6 open calls per opened message (re-opens,
 *   several devices).
 * - click 360: 2.62% of delivered messages clicked (Mailchimp), 1.4 clicks
 *   per clicking reader.
 * - failure 100: every soft bounce's failed attempt (0.58%) and every hard
 *   bounce (0.40%, refused during SMTP or reported by a DSN).
 * - bounce 120: the DSNs of hard bounces (0.20%) and out-of-office replies
 *   (1%, as in the shipped campaign fixture).
 * - abuse 2: a complaint rate of 0.02%, well under the 0.1% Gmail's and
 *   Yahoo's bulk-sender rules ask for (0.3% is their hard limit).
 */
export const CAMPAIGN_MIX = [
  { type: 'delivery', weight: 9900 },
  { type: 'open', weight: 5500 },
  { type: 'click', weight: 360 },
  { type: 'failure', weight: 100 },
  { type: 'bounce', weight: 120 },
  { type: 'abuse', weight: 2 },
] as const;
