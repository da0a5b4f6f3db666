-- Hold under abuse: the storage refuses every statement that would change or remove a comment
-- or a decision, not only UPDATE; rate-limit counters that do not serialise one client's
-- requests on one row; the browsers a moderator has logged in from.

--@sqlite
CREATE TRIGGER comments_are_never_deleted BEFORE DELETE ON comments
BEGIN
    SELECT RAISE(ABORT, 'comments are immutable: a comment is approved or rejected, never removed');
END;
-- REPLACE (INSERT OR REPLACE, REPLACE INTO) deletes the row it collides with and inserts the
-- new one; delete triggers do not fire for that unless recursive triggers are on, so the insert
-- itself is refused when it would collide with a stored row on any unique column.
CREATE TRIGGER comments_are_never_replaced BEFORE INSERT ON comments
WHEN EXISTS (SELECT 1 FROM comments WHERE id = NEW.id OR idempotency_key = NEW.idempotency_key)
BEGIN
    SELECT RAISE(ABORT, 'comments are immutable: a stored comment is never replaced');
END;
CREATE TRIGGER decisions_are_never_replaced BEFORE INSERT ON decisions
WHEN EXISTS (SELECT 1 FROM decisions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: a stored decision is never replaced');
END;
--@end
--@postgres
-- PostgreSQL has no REPLACE; an upsert (INSERT ... ON CONFLICT DO UPDATE) fires the UPDATE
-- triggers of 0001. TRUNCATE fires no row trigger, hence the statement triggers.
CREATE TRIGGER comments_are_never_deleted BEFORE DELETE ON comments FOR EACH ROW
    EXECUTE FUNCTION tribune_refuse('comments are immutable: a comment is approved or rejected, never removed');
CREATE TRIGGER comments_are_never_truncated BEFORE TRUNCATE ON comments FOR EACH STATEMENT
    EXECUTE FUNCTION tribune_refuse('comments are immutable: a comment is approved or rejected, never removed');
CREATE TRIGGER decisions_are_never_truncated BEFORE TRUNCATE ON decisions FOR EACH STATEMENT
    EXECUTE FUNCTION tribune_refuse('decisions are append-only');
--@end

-- Fixed-window counters shared by every node. One logical counter (a key and a window) is
-- spread over a few shard rows, chosen at random per event and summed when read, so that one
-- busy client's requests do not queue on one row lock. Windows are aligned to their length;
-- rows of past windows are swept.
DROP TABLE rate_limits;
CREATE TABLE rate_counters (
    key           TEXT    NOT NULL,
    window_start  {{int}} NOT NULL,
    shard         {{int}} NOT NULL,
    count         {{int}} NOT NULL,
    PRIMARY KEY (key, window_start, shard)
);
CREATE INDEX rate_counters_window ON rate_counters(window_start);

-- Browsers a moderator has logged in from (as the SHA-256 of a long-lived cookie): log-ins
-- from them are not held back by the failures others pile up on the account.
CREATE TABLE login_devices (
    token_hash  TEXT    PRIMARY KEY,
    user_id     {{int}} NOT NULL REFERENCES users(id),
    created_at  {{int}} NOT NULL,
    expires_at  {{int}} NOT NULL
);
CREATE INDEX login_devices_expiry ON login_devices(expires_at);
