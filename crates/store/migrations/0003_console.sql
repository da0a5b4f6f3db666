-- The moderators' console: queues that open as fast with 100,000 comments as with 10, and
-- what a card shows beside a comment.

-- Each comment's latest decision, kept by the triggers below from the rows of `comments` and
-- `decisions` in the same transaction, so no code path can forget it. It is an index, not a
-- status of its own: it holds nothing that `decisions` does not, and the queues read each
-- listed comment through it only to find and order them. `decision` is 'review' while no
-- decision exists; `rank` is minus the engine's latest risk, so that "riskiest first, then
-- oldest" is one ascending order (rank, comment_id) that a keyset cursor can resume.
CREATE TABLE latest_decisions (
    comment_id          {{int}} PRIMARY KEY REFERENCES comments(id),
    decision_id         {{int}},
    decision            TEXT    NOT NULL,
    category            TEXT,
    actor_kind          TEXT,
    rank                {{real}} NOT NULL,
    article_id          {{int}} NOT NULL,
    comment_created_at  {{int}} NOT NULL,
    decided_at          {{int}}
);
CREATE INDEX latest_decisions_queue ON latest_decisions(decision, rank, comment_id);
CREATE INDEX latest_decisions_decided ON latest_decisions(decision, decision_id);
CREATE INDEX latest_decisions_age ON latest_decisions(decision, comment_created_at);

INSERT INTO latest_decisions (comment_id, decision_id, decision, category, actor_kind, rank,
    article_id, comment_created_at, decided_at)
SELECT c.id, d.id, COALESCE(d.decision, 'review'), d.category, d.actor_kind,
    COALESCE(-(SELECT e.risk FROM decisions e WHERE e.comment_id = c.id AND e.risk IS NOT NULL
               ORDER BY e.id DESC LIMIT 1), 0),
    c.article_id, c.created_at, d.created_at
FROM comments c LEFT JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE comment_id = c.id);

--@sqlite
CREATE TRIGGER comments_enter_latest_decisions AFTER INSERT ON comments
BEGIN
    INSERT INTO latest_decisions (comment_id, decision_id, decision, rank, article_id,
        comment_created_at)
    VALUES (NEW.id, NULL, 'review', 0, NEW.article_id, NEW.created_at)
    ON CONFLICT (comment_id) DO NOTHING;
END;
CREATE TRIGGER decisions_move_latest_decisions AFTER INSERT ON decisions
BEGIN
    INSERT INTO latest_decisions (comment_id, decision_id, decision, category, actor_kind, rank,
        article_id, comment_created_at, decided_at)
    SELECT c.id, NEW.id, NEW.decision, NEW.category, NEW.actor_kind, COALESCE(-NEW.risk, 0),
        c.article_id, c.created_at, NEW.created_at
    FROM comments c WHERE c.id = NEW.comment_id
    ON CONFLICT (comment_id) DO UPDATE SET decision_id = excluded.decision_id,
        decision = excluded.decision, category = excluded.category,
        actor_kind = excluded.actor_kind, decided_at = excluded.decided_at,
        rank = COALESCE(-NEW.risk, latest_decisions.rank)
    WHERE latest_decisions.decision_id IS NULL OR latest_decisions.decision_id < excluded.decision_id;
END;
--@end
--@postgres
CREATE FUNCTION tribune_comment_enters_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO latest_decisions (comment_id, decision_id, decision, rank, article_id,
        comment_created_at)
    VALUES (NEW.id, NULL, 'review', 0, NEW.article_id, NEW.created_at)
    ON CONFLICT (comment_id) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_enter_latest_decisions AFTER INSERT ON comments FOR EACH ROW
    EXECUTE FUNCTION tribune_comment_enters_latest();
-- A submission inserts its comment and the engine's decision in one statement, whose row
-- triggers fire in no promised order: each side inserts or updates, whichever comes first.
CREATE FUNCTION tribune_decision_moves_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO latest_decisions (comment_id, decision_id, decision, category, actor_kind, rank,
        article_id, comment_created_at, decided_at)
    SELECT c.id, NEW.id, NEW.decision, NEW.category, NEW.actor_kind, COALESCE(-NEW.risk, 0),
        c.article_id, c.created_at, NEW.created_at
    FROM comments c WHERE c.id = NEW.comment_id
    ON CONFLICT (comment_id) DO UPDATE SET decision_id = excluded.decision_id,
        decision = excluded.decision, category = excluded.category,
        actor_kind = excluded.actor_kind, decided_at = excluded.decided_at,
        rank = COALESCE(-NEW.risk, latest_decisions.rank)
    WHERE latest_decisions.decision_id IS NULL OR latest_decisions.decision_id < excluded.decision_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER decisions_move_latest_decisions AFTER INSERT ON decisions FOR EACH ROW
    EXECUTE FUNCTION tribune_decision_moves_latest();
--@end

-- What the server learnt of a comment when it arrived, for the console's filters, the
-- author's history and "all alike": the engine's language and suggested category, SHA-256 of
-- the author's e-mail (trimmed, lower case) and of the client's address, the first link's
-- host, and four MinHash band keys of the normalised text (comments sharing a band are near
-- duplicates). Inserted with the comment, never changed.
CREATE TABLE comment_facts (
    comment_id       {{int}} PRIMARY KEY REFERENCES comments(id),
    lang             TEXT,
    engine_category  TEXT,
    email_hash       TEXT,
    address_hash     TEXT,
    link_host        TEXT,
    band0            {{int}},
    band1            {{int}},
    band2            {{int}},
    band3            {{int}}
);
CREATE INDEX comment_facts_email ON comment_facts(email_hash);
CREATE INDEX comment_facts_address ON comment_facts(address_hash);
CREATE INDEX comment_facts_link ON comment_facts(link_host);
CREATE INDEX comment_facts_band0 ON comment_facts(band0);
CREATE INDEX comment_facts_band1 ON comment_facts(band1);
CREATE INDEX comment_facts_band2 ON comment_facts(band2);
CREATE INDEX comment_facts_band3 ON comment_facts(band3);
CREATE INDEX decisions_actor ON decisions(actor, id);

-- Like the rows they follow: arrival facts are never changed or removed, and the index of
-- latest decisions is moved by its triggers only, never emptied.
--@sqlite
CREATE TRIGGER comment_facts_are_immutable BEFORE UPDATE ON comment_facts
BEGIN
    SELECT RAISE(ABORT, 'comment facts are immutable');
END;
CREATE TRIGGER comment_facts_are_never_deleted BEFORE DELETE ON comment_facts
BEGIN
    SELECT RAISE(ABORT, 'comment facts are immutable');
END;
CREATE TRIGGER latest_decisions_are_never_deleted BEFORE DELETE ON latest_decisions
BEGIN
    SELECT RAISE(ABORT, 'latest_decisions is kept by triggers from the append-only decisions');
END;
--@end
--@postgres
CREATE TRIGGER comment_facts_are_immutable BEFORE UPDATE OR DELETE ON comment_facts FOR EACH ROW
    EXECUTE FUNCTION tribune_refuse('comment facts are immutable');
CREATE TRIGGER comment_facts_are_never_truncated BEFORE TRUNCATE ON comment_facts FOR EACH STATEMENT
    EXECUTE FUNCTION tribune_refuse('comment facts are immutable');
CREATE TRIGGER latest_decisions_are_never_deleted BEFORE DELETE ON latest_decisions FOR EACH ROW
    EXECUTE FUNCTION tribune_refuse('latest_decisions is kept by triggers from the append-only decisions');
CREATE TRIGGER latest_decisions_are_never_truncated BEFORE TRUNCATE ON latest_decisions FOR EACH STATEMENT
    EXECUTE FUNCTION tribune_refuse('latest_decisions is kept by triggers from the append-only decisions');
--@end
