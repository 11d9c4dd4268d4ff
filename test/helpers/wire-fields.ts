/**
 * The webhook dialect's fields per later kind, in wire order, written out
 * here from smtpeter-webhooks.md and smtpeter-api.md (the union where the
 * published versions disagree), not read from the project: `?` marks a field
 * that may be absent.
 */
export const LATER_KIND_FIELDS: Readonly<Record<'delivery' | 'open' | 'click' | 'abuse', readonly string[]>> =
  {
    delivery: ['id', 'type', 'timestamp', 'time', 'recipient', 'code', 'extended?', 'description', 'tags[]'],
    open: ['id', 'type', 'timestamp', 'time', 'recipient', 'ip', 'useragent?', 'referer?', 'tags[]'],
    click: [
      'id',
      'type',
      'timestamp',
      'time',
      'recipient',
      'ip',
      'original',
      'url',
      'useragent?',
      'referer?',
      'tags[]',
    ],
    abuse: ['id', 'type', 'emailfrom', 'mime'],
  };
