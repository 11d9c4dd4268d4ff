/**
 * smtpeter-sim as a library: build the exact calls SMTPeter makes, encode
 * and sign them, or run a receiver, from a receiver's own test suite.
 */

export { applicableDefects, applyDefects } from './defects/apply.js';
export { DEFECT_KINDS, DEFECTS, type DefectInfo, type DefectKind } from './defects/kinds.js';
export { parseDefectShare } from './defects/pick.js';
export { dkimPublicKey, dnsKeyResolver, type KeyResolver } from './dns/key-resolver.js';
export {
  type DnsResponder,
  type DnsResponderOptions,
  startDnsResponder,
  type TxtLookup,
} from './dns/responder.js';
export { DnsZone, readZoneFile } from './dns/zone.js';
export { type BodyFormat, encodeCall, FORMATS, formEncode, jsonEncode } from './encode/body.js';
export {
  DIALECT_INFO,
  DIALECTS,
  type Dialect,
  dialectCarries,
  dialectFields,
  type Payload,
  toPayload,
} from './encode/dialect.js';
export { EventGenerator, eventClock, type GenerateOptions, SEEDED_EPOCH } from './generate/events.js';
export { type AbuseReport, ARF_STYLES, type ArfStyle, abuseEvent, abuseReport } from './mail/arf.js';
export { acceptReply, DELIVERY_STYLES, type DeliveryStyle, deliveryEvent } from './mail/delivery-reply.js';
export { buildOriginalMessage, type OriginalMessage } from './mail/message.js';
export { clickEvent, messageLinks, openEvent, type TrackedLink, trackedLink } from './mail/tracking.js';
export {
  clientFetch,
  type Fetch,
  identifyClient,
  MAIL_CLIENTS,
  type MailClient,
  openingClient,
} from './mail/user-agents.js';
export { type MadeCall, type MakeCallOptions, makeCall } from './make-call.js';
export { UsageError } from './model/errors.js';
export type {
  AbuseEvent,
  BounceEvent,
  CallType,
  ClickEvent,
  DeliveryEvent,
  FailureEvent,
  OpenEvent,
  Reason,
  SimCall,
  SmtpState,
  WebhookEvent,
} from './model/events.js';
export { CALL_TYPES, REASONS, SMTP_STATES } from './model/events.js';
export { formatTimestamp } from './model/time.js';
export { createRng, deriveSeed, type Rng } from './random/rng.js';
export { parseForm } from './receive/parse.js';
export { type Receiver, type ReceiverOptions, startReceiver } from './receive/server.js';
export type { ReceivedCall } from './receive/types.js';
export { validateCall } from './receive/validate.js';
export {
  type BuiltRequest,
  buildRequest,
  renderRequest,
  type SigningConfig,
  type Targets,
  targetFor,
} from './run/request.js';
export { findScenario, SCENARIOS, scenarioInfo } from './scenarios/catalogue.js';
export type { Scenario, ScenarioInfo } from './scenarios/types.js';
export { OUTCOMES, type Outcome, SIMULATOR_DOMAIN, simulatorFate } from './serve/outcomes/fate.js';
export { type OutcomeRules, parseOutcomes } from './serve/outcomes/rules.js';
export { type ServeHandle, type ServeOptions, type ServeStopped, startServe } from './serve/serve.js';
export type { StoredMessage, TimelineEvent } from './serve/types.js';
export { KeyRotation } from './sign/key-rotation.js';
export {
  currentKey,
  DEFAULT_KEY_ID,
  KEY_DOMAIN,
  keyIdOf,
  publishedKeys,
  rotateKeyring,
} from './sign/keyring.js';
export { defaultKeyDir, dkimRecord, generateKeyPair, loadPrivateKey, loadPublicKey } from './sign/keys.js';
export {
  DOCUMENTED_SIGNED_HEADERS,
  digestHeader,
  LIVE_SIGNED_HEADERS,
  signingString,
  signRequest,
} from './sign/signer.js';
export { verifyRequest } from './sign/verify.js';
