/**
 * The defects real bounce traffic carries, as data: what each does to a
 * message and the real message it copies. `--defects P` gives that share of
 * bounces one of them, picked by `weight`: how often the defect occurs in
 * the 629 bounces of sisimai/set-of-emails (maildir/bsd, commit 18e585c)
 * plus the 64 real bounces of the team's reference corpus (kept outside
 * the project, not shipped: "corpus" below names its files), counted
 * with the rules of test/helpers/defects-detect.py: truncated multipart 57,
 * anonymous sender 52, Final-Recipient without local part 3. Three kinds
 * are rarer in exactly the form made here and are counted by their nearest
 * form: an address-type missing from Original-Recipient (McAfee: 5 in
 * maildir/bsd, 1 in maildir/dos), `charset=UFT-8` on any part (4), raw
 * 8-bit Subjects in maildir/bsd and maildir/dos (5). Bare LF is the
 * exception: nearly every stored sample has LF line ends because that is
 * how a mailbox file stores them, so its count says nothing about the
 * wire; its weight (20) is a stated guess, not a measurement.
 *
 * References ("corpus" is that reference set of real bounces; "sisimai" is
 * github.com/sisimai/set-of-emails at 18e585c, maildir/bsd/):
 * - truncated-multipart: corpus exchange2007-mesgtoobig-01.eml,
 *   gmail-spamdetected-01.eml, domino-userunknown-02.eml,
 *   rfc3464-userunknown-01.eml (no closing boundary; 52 of sisimai's 629).
 * - anonymous-sender: corpus sendmail-exceedlimit-01.eml
 *   (`From: Mail Delivery Subsystem <MAILER-DAEMON>`), sisimai
 *   lhost-barracuda-02.eml (`From: MAILER-DAEMON`); 51 of 629 have a From
 *   without a domain.
 * - final-recipient-no-type: sisimai lhost-mcafee-01..05.eml
 *   (`Original-Recipient: <kijitora@example.co.jp>`, no address-type).
 * - final-recipient-no-local-part: corpus sendmail-hostunknown-01.eml
 *   (sisimai lhost-sendmail-15.eml): `Final-Recipient: RFC822; @mx.example.org`.
 * - 8bit-header: sisimai lhost-kddi-01.eml (`Subject: メールエラー通知`
 *   raw UTF-8); the corpus's mailru-userunknown-01.eml carries mail.ru's
 *   subject as an encoded word, sisimai's maildir/dos/lhost-mailru-01.eml
 *   the same subject raw.
 * - charset-unknown-label: sisimai lhost-x3-01, -02, -03, -05.eml
 *   (`charset=UFT-8`, a label no decoder knows).
 * - bare-lf: corpus postfix-userunknown-01.eml and 60 other corpus files
 *   (LF only); a bounce relayed by software that rewrites line ends.
 */
export const DEFECT_KINDS = [
  'truncated-multipart',
  'anonymous-sender',
  'final-recipient-no-type',
  'final-recipient-no-local-part',
  '8bit-header',
  'charset-unknown-label',
  'bare-lf',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

export interface DefectInfo {
  kind: DefectKind;
  /** What a receiver meets, in a few words (README, `--help`, the listen page). */
  summary: string;
  /** Occurrences in the reference set (see above); the share among defective bounces. */
  weight: number;
  /** The real message it copies. */
  reference: string;
  /** What a message must have for the defect to apply ("a message with ..."). */
  needs: string;
}

export const DEFECTS: readonly DefectInfo[] = [
  {
    kind: 'truncated-multipart',
    needs: 'a multipart message with its closing boundary',
    summary: 'the message stops inside its last part: no closing boundary',
    weight: 57,
    reference: 'corpus exchange2007-mesgtoobig-01.eml, gmail-spamdetected-01.eml',
  },
  {
    kind: 'anonymous-sender',
    needs: 'a From naming MAILER-DAEMON or postmaster at a domain',
    summary: 'From names MAILER-DAEMON or postmaster without a domain',
    weight: 52,
    reference: 'corpus sendmail-exceedlimit-01.eml; sisimai lhost-barracuda-02.eml',
  },
  {
    kind: 'final-recipient-no-type',
    needs: 'a message/delivery-status part with a Final-Recipient address',
    summary: 'Final-Recipient without its address-type: `Final-Recipient: <user@example.com>`',
    weight: 6,
    reference: 'sisimai lhost-mcafee-01..05.eml',
  },
  {
    kind: 'final-recipient-no-local-part',
    needs: 'a message/delivery-status part with a Final-Recipient address',
    summary: 'Final-Recipient with only the domain: `Final-Recipient: RFC822; @example.com`',
    weight: 3,
    reference: 'corpus sendmail-hostunknown-01.eml (sisimai lhost-sendmail-15.eml)',
  },
  {
    kind: '8bit-header',
    needs: 'a Subject',
    summary: 'raw UTF-8 in Subject, no RFC 2047 encoded words',
    weight: 5,
    reference: 'sisimai lhost-kddi-01.eml; maildir/dos/lhost-mailru-01.eml',
  },
  {
    kind: 'charset-unknown-label',
    needs: 'a text/plain part',
    summary: 'a text part labelled charset=UFT-8, a charset no decoder knows',
    weight: 4,
    reference: 'sisimai lhost-x3-01.eml, lhost-x3-02.eml',
  },
  {
    kind: 'bare-lf',
    needs: 'CRLF line ends',
    summary: 'LF line ends instead of CRLF',
    weight: 20,
    reference: 'corpus postfix-userunknown-01.eml (61 of the 64 corpus files)',
  },
];

export function isDefectKind(name: string): name is DefectKind {
  return (DEFECT_KINDS as readonly string[]).includes(name);
}
