-- Message templates with merge fields ({{candidate.first_name}}, ...),
-- rendered per recipient when a message is written.
CREATE TABLE templates (
    id            INTEGER PRIMARY KEY,
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    name          TEXT    NOT NULL UNIQUE,
    subject       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
