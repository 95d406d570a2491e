-- Secure Base schema, version 1.
-- Times are UTC ISO-8601 text. Member-written text is stored only encrypted (see bot/crypto.py).

CREATE TABLE communities (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL,
    workspace_id    TEXT NOT NULL,
    region          TEXT NOT NULL DEFAULT 'INTL',
    alerts_channel  TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (platform, workspace_id)
);

-- Who besides platform admins may use `setup`: a Discord role, or Slack/console users.
CREATE TABLE moderators (
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('role', 'user')),
    ref             TEXT NOT NULL,
    PRIMARY KEY (community_id, kind, ref)
) WITHOUT ROWID;

-- One weekly schedule per community and kind, wall-clock in its own time zone.
CREATE TABLE schedules (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('prompts', 'lessons')),
    channel_id      TEXT NOT NULL,
    weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    local_time      TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    track_id        TEXT,
    enabled         INTEGER NOT NULL DEFAULT 1,
    paused          INTEGER NOT NULL DEFAULT 0,
    pause_reason    TEXT,
    configured_by   TEXT,
    updated_at      TEXT NOT NULL,
    UNIQUE (community_id, kind)
);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    consented_at    TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (community_id, user_id)
);

CREATE TABLE lesson_progress (
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    lesson_id       TEXT NOT NULL,
    done_at         TEXT NOT NULL,
    PRIMARY KEY (member_id, lesson_id)
) WITHOUT ROWID;

-- A quiz in progress lives here so it survives restarts; `position` is the question
-- awaiting an answer, and an answer is accepted only for that position (no double counts).
CREATE TABLE quiz_attempts (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    quiz_id         TEXT NOT NULL,
    position        INTEGER NOT NULL DEFAULT 0,
    answers         TEXT NOT NULL DEFAULT '[]',
    score           INTEGER,
    total           INTEGER,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished', 'abandoned')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX quiz_attempts_by_member ON quiz_attempts (member_id, quiz_id, status);

-- After scoring the self-reflection quiz only the two scores and the date are kept.
CREATE TABLE reflection_results (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    anxiety         REAL NOT NULL CHECK (anxiety BETWEEN 1 AND 7),
    avoidance       REAL NOT NULL CHECK (avoidance BETWEEN 1 AND 7),
    taken_on        TEXT NOT NULL
);
CREATE INDEX reflection_results_by_member ON reflection_results (member_id, taken_on);

CREATE TABLE journal_entries (
    id              INTEGER PRIMARY KEY,
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    title           BLOB NOT NULL,
    body            BLOB NOT NULL,
    prompt_id       TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX journal_entries_by_member ON journal_entries (member_id, created_at);

-- The posts ledger: one row per (community, kind, occurrence), claimed before sending and
-- confirmed with the platform's message id after, so an occurrence is posted once.
CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('prompts', 'lessons')),
    occurrence      TEXT NOT NULL,
    item_id         TEXT,
    status          TEXT NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped')),
    channel_id      TEXT,
    message_id      TEXT,
    thread_id       TEXT,
    claimed_at      TEXT NOT NULL,
    posted_at       TEXT,
    error           TEXT,
    UNIQUE (community_id, kind, occurrence)
);
CREATE INDEX posts_latest ON posts (community_id, kind, status, posted_at);

-- Anonymous shares name their author only through a keyed hash (bot/crypto.py), enough to
-- block or delete by author without anyone learning who it is.
CREATE TABLE anonymous_shares (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    post_id         INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    author          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('posted', 'held', 'removed')),
    message_id      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX anonymous_shares_by_author ON anonymous_shares (community_id, author);

CREATE TABLE share_blocks (
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    author          TEXT NOT NULL,
    blocked_at      TEXT NOT NULL,
    PRIMARY KEY (community_id, author)
) WITHOUT ROWID;

CREATE TABLE content_toggles (
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    content_id      TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    PRIMARY KEY (community_id, content_id)
) WITHOUT ROWID;

CREATE TABLE custom_prompts (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE custom_lessons (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    body            TEXT NOT NULL,
    try_this        TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

-- What moderators changed, never what members wrote.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    actor_id        TEXT,
    action          TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX audit_log_by_community ON audit_log (community_id, created_at);
