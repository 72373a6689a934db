-- The system of record: what the bank must keep and show its auditors. Redis keeps only
-- conversations, tickets, dedupe and pub/sub.

-- Each CA's ledger: serials stay unique, revocations feed its CRL.
CREATE TABLE ca_certificates (
  ca_id text NOT NULL,
  serial_number text NOT NULL,
  subject_dn text NOT NULL,
  not_after timestamptz NOT NULL,
  issued_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revocation_reason text,
  PRIMARY KEY (ca_id, serial_number)
);
CREATE INDEX ca_certificates_revoked ON ca_certificates (ca_id) WHERE revoked_at IS NOT NULL;

CREATE TABLE ca_crl_numbers (
  ca_id text PRIMARY KEY,
  last_number integer NOT NULL
);

-- Whom the CA named in each certificate it issued (the 주민등록번호 sealed, with its key id), for a renewal by key.
CREATE TABLE ca_subscribers (
  serial_number text PRIMARY KEY,
  sealed text NOT NULL,
  key_id text NOT NULL,
  keep_until timestamptz NOT NULL
);

-- The bank's registry of its customers' certificates: issued here, or registered from another institution.
CREATE TABLE certificates (
  customer_id text NOT NULL,
  fingerprint text NOT NULL,
  serial_number text NOT NULL,
  issuer_dn text NOT NULL,
  subject_dn text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  policy_oid text,
  origin text NOT NULL CHECK (origin IN ('issued', 'registered')),
  status text NOT NULL CHECK (status IN ('active', 'released', 'revoked')),
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  revocation_reason text,
  PRIMARY KEY (customer_id, fingerprint)
);
CREATE INDEX certificates_by_fingerprint ON certificates (fingerprint, registered_at DESC);

-- The issuance journal: started before the CA is asked, the serial recorded with the ledger, settled at the end.
CREATE TABLE issuances (
  key text PRIMARY KEY,
  customer_id text NOT NULL,
  owner text NOT NULL,
  started_at timestamptz NOT NULL,
  serial_number text,
  fingerprint text,
  outcome text CHECK (outcome IN ('delivered', 'revoked', 'failed')),
  settled_at timestamptz
);
CREATE INDEX issuances_open ON issuances (started_at) WHERE outcome IS NULL;
CREATE INDEX issuances_by_owner ON issuances (owner);

-- Consents given on the secure page: which text, which version, when, for which step.
CREATE TABLE consents (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  consent text NOT NULL,
  version text NOT NULL,
  step text NOT NULL,
  journey text NOT NULL,
  conversation_id text NOT NULL,
  customer_id text,
  fee_amount integer,
  fee_account text
);
CREATE INDEX consents_by_customer ON consents (customer_id);

-- The audit: append-only, each row chained to the one before by its hash.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  category text NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
  actor text NOT NULL,
  customer_id text,
  conversation_id text,
  serial_number text,
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head, one row: appending locks it, so rows are chained one at a time.
CREATE TABLE audit_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (singleton, seq, hash) VALUES (true, 0, repeat('0', 64));

-- Staff opening a customer's conversation: who, what, when and why.
CREATE TABLE staff_access (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  staff_id text NOT NULL,
  conversation_id text NOT NULL,
  what text NOT NULL,
  why text NOT NULL
);
CREATE INDEX staff_access_at ON staff_access (at);

-- Journeys' progress, for the supervisors' funnel: no customer, only the journey, the step and when.
CREATE TABLE journey_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  journey text NOT NULL,
  event text NOT NULL,
  step text NOT NULL
);
CREATE INDEX journey_events_at ON journey_events (at, journey);
