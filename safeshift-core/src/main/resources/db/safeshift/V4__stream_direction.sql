-- Stream state per direction. The forward stream carries the source's changes into the target;
-- after a cutover switches the application, a reverse stream carries the target's changes back
-- into the source, so that a rollback loses no write. Each has its own capture and progress.
ALTER TABLE stream ADD COLUMN direction text NOT NULL DEFAULT 'forward'
    CONSTRAINT stream_direction_known CHECK (direction IN ('forward', 'reverse'));
ALTER TABLE stream DROP CONSTRAINT stream_pkey;
ALTER TABLE stream ADD CONSTRAINT stream_pkey PRIMARY KEY (migration_id, direction);
