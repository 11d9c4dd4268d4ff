/** An API error: the HTTP status and the one-line text SMTPeter-style clients show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    // Messages echo what the client sent (a field, an address, a tag): a line break in it stays
    // one line, written as JSON writes it (\r\n), whichever message it lands in.
    super(message.replace(/[\x00-\x1f]/g, (c) => JSON.stringify(c).slice(1, -1)));
  }
}

/** A submission refused: why, one line (the REST and SMTP fronts phrase it in their protocol). */
export class Refused extends Error {}
