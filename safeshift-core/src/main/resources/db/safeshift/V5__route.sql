-- Where the application's traffic for a migration goes, as the routing DataSource (safeshift-jdbc)
-- in each application process reads it: SOURCE, PAUSED (new transactions held) or TARGET.
-- The epoch counts the changes, so a router can tell it has seen the latest one. A pause is a
-- lease: past paused_until, routers send traffic to resume_to again, so a daemon that dies during
-- a cutover never leaves the application held.
CREATE TABLE route (
    migration_id bigint      PRIMARY KEY REFERENCES migration (id),
    route        text        NOT NULL CONSTRAINT route_known CHECK (route IN ('SOURCE', 'PAUSED', 'TARGET')),
    epoch        bigint      NOT NULL,
    resume_to    text        CONSTRAINT route_resume_to CHECK (resume_to IN ('SOURCE', 'TARGET')),
    paused_until timestamptz,
    changed_by   text        NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT route_pause_is_a_lease CHECK ((route = 'PAUSED') = (resume_to IS NOT NULL AND paused_until IS NOT NULL))
);

-- Each router reports what it has seen and what it holds, so a cutover can wait until no
-- transaction is left on the side it leaves. A router that stops reporting is gone.
CREATE TABLE router (
    migration_id     bigint      NOT NULL REFERENCES migration (id),
    instance         text        NOT NULL,
    seen_route       text        NOT NULL,
    seen_epoch       bigint      NOT NULL,
    source_in_flight integer     NOT NULL,
    target_in_flight integer     NOT NULL,
    held             integer     NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    reported_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (migration_id, instance)
);

-- What each router saw of the application's statements, per side and query pattern (literals
-- stripped), one row per reporting interval: calls, errors and an HdrHistogram of latencies in
-- microseconds (compressed), so that any window's percentiles can be computed exactly.
CREATE TABLE router_sample (
    migration_id   bigint      NOT NULL REFERENCES migration (id),
    instance       text        NOT NULL,
    side           text        NOT NULL CONSTRAINT router_sample_side CHECK (side IN ('SOURCE', 'TARGET')),
    pattern_id     text        NOT NULL,
    pattern        text        NOT NULL,
    interval_start timestamptz NOT NULL,
    interval_end   timestamptz NOT NULL,
    calls          bigint      NOT NULL,
    errors         bigint      NOT NULL,
    latency        bytea       NOT NULL
);
CREATE INDEX router_sample_window ON router_sample (migration_id, interval_end);
