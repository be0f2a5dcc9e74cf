-- One row per finished verification. The totals are columns so that status and the go/no-go
-- gate read them without parsing the report; report_json keeps the detail, with at most 100
-- row differences per table (the counts cover all of them).
CREATE TABLE verification (
    id                bigserial        PRIMARY KEY,
    migration_id      bigint           NOT NULL REFERENCES migration (id),
    -- as the verifier's clock read them
    started_at        timestamptz      NOT NULL,
    finished_at       timestamptz      NOT NULL,
    -- the store's clock when the result was recorded: ages are measured against the store's clock
    recorded_at       timestamptz      NOT NULL DEFAULT clock_timestamp(),
    scope_kind        text             NOT NULL CHECK (scope_kind IN ('full', 'sample')),
    sample_percent    double precision CHECK (sample_percent > 0 AND sample_percent <= 100),
    seed              bigint,
    clean             boolean          NOT NULL,
    rows_checked      bigint           NOT NULL,
    chunks_checked    bigint           NOT NULL,
    chunks_mismatched bigint           NOT NULL,
    missing_in_target bigint           NOT NULL,
    extra_in_target   bigint           NOT NULL,
    differing         bigint           NOT NULL,
    unsettled         bigint           NOT NULL,
    -- text, like the other JSON columns: jsonb would reorder the report's keys
    report_json       text             NOT NULL,
    CHECK ((scope_kind = 'sample') = (sample_percent IS NOT NULL AND seed IS NOT NULL))
);
-- status and the scheduler read the latest verification of a migration
CREATE INDEX verification_latest ON verification (migration_id, finished_at DESC, id DESC);
