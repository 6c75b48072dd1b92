-- What the stub's processes on one database must agree on beyond the
-- world (see store.Shared): secrets, the admin API's fault rules and its
-- request journal, as in the SQLite store's 0002.

CREATE TABLE shared_secrets (
	name TEXT PRIMARY KEY,
	value BYTEA NOT NULL
);

-- Counters shared by every process: world_version changes with every
-- replacement of the world (Load, Modify, Seed), fault_version with every
-- change to the rules (a process polls each to know what it keeps of them
-- is stale: the credentials, the rules); fault_id numbers the rules given
-- no id.
CREATE TABLE shared_counters (
	name TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO shared_counters (name, value) VALUES ('world_version', 0), ('fault_version', 0), ('fault_id', 0);

-- rule is the stub's encoding of a fault rule (JSON); position keeps the
-- order rules were added in, which is the order they are tried in.
CREATE TABLE fault_rules (
	id TEXT PRIMARY KEY,
	position BIGINT NOT NULL UNIQUE,
	rule TEXT NOT NULL,
	times BIGINT NOT NULL CHECK (times >= 0),
	applied BIGINT NOT NULL CHECK (applied >= 0)
);

-- seq numbers the entries; an identity never reuses a number, so
-- numbering goes on after the journal is cleared. bytes is what the entry
-- counts for against the journal's byte bound.
CREATE TABLE request_journal (
	seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	bytes BIGINT NOT NULL,
	entry TEXT NOT NULL
);
