/** An API error: the HTTP status and the one-line text SMTPeter-style clients show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A submission refused: why, one line (the REST and SMTP fronts phrase it in their protocol). */
export class Refused extends Error {}
