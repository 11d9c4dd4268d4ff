/** An error with undici's code and wording, so a report reads the same whichever transport sent. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
