-- What a migration owns on the source, and whether a daemon is working on it.
--
-- A migration's replication slot and publication carry a token drawn when the migration first
-- started, and are recorded here, with the source server's identity, before they are created: a
-- slot that is not recorded for this migration is never dropped, read or trusted.

-- recorded before the slot exists; set once the slot has been created
ALTER TABLE stream ALTER COLUMN start_position DROP NOT NULL;
-- the source server's system identifier (from IDENTIFY_SYSTEM) and database, where the slot lives
ALTER TABLE stream ADD COLUMN source_system_id text;
ALTER TABLE stream ADD COLUMN source_database text;
-- write-ahead log the source keeps for the slot, as last measured by the daemon
ALTER TABLE stream ADD COLUMN retained_wal_bytes bigint;

-- the daemon that last worked on the migration (process and host), its latest sign of life, and
-- when it ended; a heartbeat older than a few seconds with no daemon holding the lock means none runs
ALTER TABLE migration ADD COLUMN daemon text;
ALTER TABLE migration ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE migration ADD COLUMN daemon_ended_at timestamptz;
