-- The role the bot acts as (SET ROLE): audit, consent and staff-access rows can be added and read,
-- never changed or removed; only the owner (migrations, the retention purge) can delete them.
-- The login the bot connects with must be a member: GRANT jca_bot TO <login>.
DO $$
BEGIN
  CREATE ROLE jca_bot NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ca_certificates, ca_crl_numbers, ca_subscribers, certificates, issuances TO jca_bot;
GRANT SELECT, INSERT ON audit_log, consents, staff_access, journey_events TO jca_bot;
GRANT SELECT, UPDATE ON audit_head TO jca_bot;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO jca_bot;
