-- What each cutover trigger measured on the source before the switch: the baseline a relative
-- condition ("> 2x baseline") compares with. One row per trigger and switch.
CREATE TABLE trigger_baseline (
    migration_id bigint      NOT NULL REFERENCES migration (id),
    trigger_name text        NOT NULL,
    measured_at  timestamptz NOT NULL,
    value        double precision,
    samples      bigint      NOT NULL,
    detail       text        NOT NULL,
    PRIMARY KEY (migration_id, trigger_name, measured_at)
);

-- Every evaluation of every trigger while the application runs on the target, kept: a pass, a
-- breach and an inconclusive stretch are all part of the record of the cutover window.
CREATE TABLE trigger_evaluation (
    migration_id bigint           NOT NULL REFERENCES migration (id),
    trigger_name text             NOT NULL,
    evaluated_at timestamptz      NOT NULL,
    verdict      text             NOT NULL CONSTRAINT trigger_evaluation_verdict
                                           CHECK (verdict IN ('PASS', 'BREACH', 'INCONCLUSIVE')),
    value        double precision,
    threshold    double precision,
    samples      bigint           NOT NULL,
    consecutive  integer          NOT NULL,
    fired        boolean          NOT NULL,
    reason       text             NOT NULL
);
CREATE INDEX trigger_evaluation_at ON trigger_evaluation (migration_id, evaluated_at);
