-- The control store: everything a migration did is a row here.
-- Flyway runs this with search_path set to the configured schema, so names are unqualified;
-- ${flyway:defaultSchema} is that schema where a name must be fixed (trigger functions).
-- Timestamps come from the database clock (clock_timestamp) so that every process writing to
-- the store shares one clock.

CREATE TABLE migration (
    id            bigserial   PRIMARY KEY,
    name          text        NOT NULL UNIQUE,
    phase         text        NOT NULL,
    plan_json     text        NOT NULL,
    -- head of the timeline hash chain: lets a verifier notice events cut off the end
    timeline_seq  bigint      NOT NULL DEFAULT 0,
    timeline_hash text        NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE phase_change (
    id           bigserial   PRIMARY KEY,
    migration_id bigint      NOT NULL REFERENCES migration (id),
    from_phase   text,
    to_phase     text        NOT NULL,
    detail       text,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX phase_change_migration ON phase_change (migration_id, id);

CREATE TABLE chunk (
    migration_id   bigint      NOT NULL REFERENCES migration (id),
    table_name     text        NOT NULL,
    chunk_no       integer     NOT NULL,
    lower_bound    text,
    upper_bound    text,
    estimated_rows bigint      NOT NULL DEFAULT 0,
    done           boolean     NOT NULL DEFAULT false,
    rows_copied    bigint      NOT NULL DEFAULT 0,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (migration_id, table_name, chunk_no)
);

CREATE TABLE stream (
    migration_id     bigint      PRIMARY KEY REFERENCES migration (id),
    slot_name        text        NOT NULL,
    publication_name text        NOT NULL,
    start_position   text        NOT NULL,
    applied_position text,
    lag_bytes        bigint,
    lag_millis       bigint,
    events_applied   bigint      NOT NULL DEFAULT 0,
    reported_at      timestamptz
);

CREATE TABLE request (
    id           bigserial   PRIMARY KEY,
    migration_id bigint      NOT NULL REFERENCES migration (id),
    kind         text        NOT NULL,
    requested_by text        NOT NULL,
    payload      text        NOT NULL DEFAULT '{}',
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    handled_at   timestamptz,
    outcome      text
);
-- the daemon polls for unhandled requests
CREATE INDEX request_pending ON request (migration_id, id) WHERE handled_at IS NULL;

-- detail is text, not jsonb: jsonb rewrites the text (key order, spacing), and the hash
-- chain is computed over the exact text that was appended.
CREATE TABLE timeline (
    migration_id  bigint      NOT NULL REFERENCES migration (id),
    seq           bigint      NOT NULL,
    at            timestamptz NOT NULL,
    kind          text        NOT NULL,
    actor         text        NOT NULL,
    detail        text        NOT NULL,
    previous_hash text        NOT NULL,
    hash          text        NOT NULL,
    PRIMARY KEY (migration_id, seq)
);

-- The timeline is append-only. Privileges cannot enforce that against the owner or a
-- superuser, so a trigger refuses UPDATE and DELETE. Purging a whole aborted migration is
-- the one legitimate delete: it sets safeshift.allow_purge = 'on' for its own transaction.
-- Anyone able to set that setting can still delete; the hash chain is what detects it.
CREATE FUNCTION "${flyway:defaultSchema}".timeline_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('safeshift.allow_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the Safeshift timeline is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER timeline_append_only
    BEFORE UPDATE OR DELETE ON timeline
    FOR EACH ROW EXECUTE FUNCTION "${flyway:defaultSchema}".timeline_append_only();

-- TRUNCATE fires no row triggers, so it gets a statement trigger of its own.
CREATE TRIGGER timeline_no_truncate
    BEFORE TRUNCATE ON timeline
    FOR EACH STATEMENT EXECUTE FUNCTION "${flyway:defaultSchema}".timeline_append_only();
