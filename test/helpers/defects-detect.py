#!/usr/bin/env python3
"""Name the real-world defects of each message file given on the command line.

Independent of the generator: Python's email package (policy.default for
the defects it registers, compat32 for undecodable header bytes, codecs for
charset labels) and, where Python registers nothing, the grammar itself:
RFC 5322 2.1 (CRLF line ends) and RFC 3464 2.3.2 (final-recipient-field =
"Final-Recipient" ":" address-type ";" generic-address, an rfc822 address
being local-part "@" domain). One JSON line per file: {"file", "defects"}.
"""
import codecs
import email
import email.header
import email.policy
import json
import re
import sys


def truncated(msg):
    names = {type(d).__name__ for part in msg.walk() for d in part.defects}
    return bool(names & {'CloseBoundaryNotFoundDefect', 'StartBoundaryNotFoundDefect'})


def anonymous_sender(msg):
    sender = msg['From']
    if sender is None:
        return False
    no_domain = any('no domain' in str(d) for d in sender.defects)
    return no_domain or any(a.domain == '' for a in sender.addresses)


def eight_bit_header(raw):
    old = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = old['Subject']
    if subject is None:
        return False
    return any(charset == 'unknown-8bit' for _, charset in email.header.decode_header(subject))


def unknown_charset(msg):
    for part in msg.walk():
        if part.get_content_maintype() != 'text':
            continue
        label = part.get_param('charset')
        if label is None:
            continue
        try:
            codecs.lookup(str(label))
        except LookupError:
            return True
    return False


def bare_lf(raw):
    return b'\n' in raw and b'\r\n' not in raw


FIELD = re.compile(r'^\s*([A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+)\s*;\s*(.*)$')


def final_recipients(msg):
    """Each Final-Recipient value of each message/delivery-status part."""
    values = []
    for part in msg.walk():
        if part.get_content_type() not in ('message/delivery-status', 'message/global-delivery-status'):
            continue
        blocks = part.get_payload()
        if isinstance(blocks, list):
            for block in blocks:
                values += [str(v) for v in block.get_all('Final-Recipient', [])]
    return values


def final_recipient_no_type(values):
    return any(FIELD.match(v) is None for v in values)


def final_recipient_no_local_part(values):
    for v in values:
        m = FIELD.match(v)
        if m and m.group(1).lower() == 'rfc822' and m.group(2).strip().startswith('@'):
            return True
    return False


def detect(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    recipients = final_recipients(msg)
    found = {
        'truncated-multipart': truncated(msg),
        'anonymous-sender': anonymous_sender(msg),
        'final-recipient-no-type': final_recipient_no_type(recipients),
        'final-recipient-no-local-part': final_recipient_no_local_part(recipients),
        '8bit-header': eight_bit_header(raw),
        'charset-unknown-label': unknown_charset(msg),
        'bare-lf': bare_lf(raw),
    }
    return sorted(k for k, v in found.items() if v)


for name in sys.argv[1:]:
    with open(name, 'rb') as f:
        print(json.dumps({'file': name, 'defects': detect(f.read())}))
