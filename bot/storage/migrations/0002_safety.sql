-- Secure Base schema, version 2: crisis-language care.

-- When a member last got the private support message, so it comes at most once an hour.
-- The member is named only by the keyed hash used for anonymous-share authors (bot/crypto.py):
-- a reader of the database cannot tell who was offered support. One row per member: only the
-- latest time is needed, so nothing accumulates.
CREATE TABLE safety_responses (
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_link     TEXT NOT NULL,
    responded_at    TEXT NOT NULL,
    PRIMARY KEY (community_id, member_link)
) WITHOUT ROWID;

-- Whether moderators turned on reading replies in prompt threads (`setup safety read_replies:true`).
-- Off by default: the bot reads nothing it was not handed unless a community asks it to.
ALTER TABLE communities ADD COLUMN read_replies INTEGER NOT NULL DEFAULT 0;
