-- Tribune's first schema. Times are Unix milliseconds (i64) so that one query path serves
-- SQLite and PostgreSQL through sqlx's Any driver.

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    lang           TEXT    NOT NULL,
    comments_open  INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);

-- A comment is inserted once and never changed: the triggers below make the storage itself
-- refuse any UPDATE, whatever code path tries.
CREATE TABLE comments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id    INTEGER NOT NULL REFERENCES articles(id),
    parent_id     INTEGER REFERENCES comments(id),
    author_name   TEXT    NOT NULL,
    author_email  TEXT,
    body          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX comments_article ON comments(article_id, id);

CREATE TRIGGER comments_are_immutable BEFORE UPDATE ON comments
BEGIN
    SELECT RAISE(ABORT, 'comments are immutable: a comment is approved or rejected, never edited');
END;

-- Every decision, by the engine or by a person, is one appended row; a comment's status is its
-- latest decision. Rows are never changed or removed.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id  INTEGER NOT NULL REFERENCES comments(id),
    decision    TEXT    NOT NULL CHECK (decision IN ('approve', 'reject', 'review')),
    category    TEXT,
    actor_kind  TEXT    NOT NULL CHECK (actor_kind IN ('engine', 'user')),
    actor       TEXT    NOT NULL,
    note        TEXT,
    risk        REAL,
    verdict     TEXT,
    created_at  INTEGER NOT NULL,
    CHECK (decision <> 'reject' OR category IS NOT NULL)
);
CREATE INDEX decisions_comment ON decisions(comment_id, id);

CREATE TRIGGER decisions_are_append_only BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;
CREATE TRIGGER decisions_are_never_deleted BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('moderator', 'admin')),
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
