-- The encoder stage, off the request path: a durable queue of comments waiting for their
-- second reading. A submission the server sends to the encoder stores its job in the same
-- transaction as the comment, so no stored comment loses its job and no job outlives a lost
-- comment. A node claims due jobs with a lease (`lease_holder` and `attempts` together name
-- one claim: `attempts` grows at every claim); a job whose lease expired (its node died) is
-- due again. A job ends in the transaction that appends its final decision (or finds a
-- moderator decided first), so it ends exactly once. Bookkeeping, not a decision: rows are
-- removed when their job ends.
CREATE TABLE encoder_jobs (
    comment_id        {{int}} PRIMARY KEY REFERENCES comments(id),
    created_at        {{int}} NOT NULL,
    attempts          {{int}} NOT NULL DEFAULT 0,
    lease_holder      TEXT,
    lease_expires_at  {{int}} NOT NULL DEFAULT 0,
    last_error        TEXT
);
CREATE INDEX encoder_jobs_due ON encoder_jobs(lease_expires_at, comment_id);

-- What became of the encoder stage when the comment arrived: 'absent' (the node ran without
-- it), 'not_wanted' (the fast stages' verdict stood alone) or 'queued' (a job was stored).
-- NULL for comments stored before the stage existed.
ALTER TABLE comment_facts ADD COLUMN encoder TEXT
    CHECK (encoder IN ('absent', 'not_wanted', 'queued'));
