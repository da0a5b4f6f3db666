-- Tribune's schema, one source for every backend. `migrations.rs` renders it per backend:
--   {{id}}    an auto-increment 64-bit primary key
--   {{int}}   a 64-bit integer (ids, flags, Unix-millisecond times)
--   {{real}}  a double-precision float
-- and keeps the lines between `--@sqlite` / `--@postgres` and `--@end` for that backend only.

CREATE TABLE articles (
    id             {{id}},
    slug           TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    lang           TEXT    NOT NULL,
    comments_open  {{int}} NOT NULL DEFAULT 1,
    created_at     {{int}} NOT NULL
);

-- A comment is inserted once and never changed: the triggers below make the storage itself
-- refuse any UPDATE, whatever code path tries. A retried submission carries the same
-- idempotency key, so it can never be stored twice.
CREATE TABLE comments (
    id               {{id}},
    article_id       {{int}} NOT NULL REFERENCES articles(id),
    parent_id        {{int}} REFERENCES comments(id),
    author_name      TEXT    NOT NULL,
    author_email     TEXT,
    body             TEXT    NOT NULL,
    idempotency_key  TEXT    UNIQUE,
    created_at       {{int}} NOT NULL
);
CREATE INDEX comments_article ON comments(article_id, id);

-- The secret tokens with which authors follow their comments, stored only as hashes. A comment
-- may have several: a retried submission hands out a fresh one.
CREATE TABLE comment_tokens (
    token_hash  TEXT    PRIMARY KEY,
    comment_id  {{int}} NOT NULL REFERENCES comments(id)
);
CREATE INDEX comment_tokens_comment ON comment_tokens(comment_id);

-- Every decision, by the engine or by a person, is one appended row; a comment's status is its
-- latest decision. Rows are never changed or removed.
CREATE TABLE decisions (
    id          {{id}},
    comment_id  {{int}} NOT NULL REFERENCES comments(id),
    decision    TEXT    NOT NULL CHECK (decision IN ('approve', 'reject', 'review')),
    category    TEXT,
    actor_kind  TEXT    NOT NULL CHECK (actor_kind IN ('engine', 'user')),
    actor       TEXT    NOT NULL,
    note        TEXT,
    risk        {{real}},
    verdict     TEXT,
    created_at  {{int}} NOT NULL,
    CHECK (decision <> 'reject' OR category IS NOT NULL)
);
CREATE INDEX decisions_comment ON decisions(comment_id, id);

--@sqlite
CREATE TRIGGER comments_are_immutable BEFORE UPDATE ON comments
BEGIN
    SELECT RAISE(ABORT, 'comments are immutable: a comment is approved or rejected, never edited');
END;
CREATE TRIGGER decisions_are_append_only BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_are_never_deleted BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
--@end
--@postgres
CREATE FUNCTION tribune_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;
CREATE TRIGGER comments_are_immutable BEFORE UPDATE ON comments FOR EACH ROW
    EXECUTE FUNCTION tribune_refuse('comments are immutable: a comment is approved or rejected, never edited');
CREATE TRIGGER decisions_are_append_only BEFORE UPDATE OR DELETE ON decisions FOR EACH ROW
    EXECUTE FUNCTION tribune_refuse('decisions are append-only');
--@end

CREATE TABLE users (
    id             {{id}},
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('moderator', 'admin')),
    created_at     {{int}} NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     {{int}} NOT NULL REFERENCES users(id),
    csrf_token  TEXT    NOT NULL,
    created_at  {{int}} NOT NULL,
    expires_at  {{int}} NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- A moderator's temporary hold on a pending comment, so that two moderators never work on
-- the same one. Bookkeeping, not a decision: a claim can be taken over once it expires.
CREATE TABLE claims (
    comment_id  {{int}} PRIMARY KEY REFERENCES comments(id),
    user_id     {{int}} NOT NULL REFERENCES users(id),
    expires_at  {{int}} NOT NULL
);

-- Fixed-window request counters shared by every node (per client address and action).
CREATE TABLE rate_limits (
    key           TEXT    PRIMARY KEY,
    window_start  {{int}} NOT NULL,
    count         {{int}} NOT NULL
);
