-- The world, one table per kind of item. Every id is the item's place in
-- Load's order (see server/store/internal/sqlworld). Times are two integer
-- columns: seconds since the Unix epoch and nanoseconds.

CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	sid TEXT NOT NULL UNIQUE,
	auth_token TEXT NOT NULL
);

CREATE TABLE api_keys (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	sid TEXT NOT NULL UNIQUE,
	secret TEXT NOT NULL
);
CREATE INDEX api_keys_by_account ON api_keys (account_id);

-- position is the service's place in its account: 0 is the default.
CREATE TABLE services (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	position INTEGER NOT NULL,
	sid TEXT NOT NULL UNIQUE,
	UNIQUE (account_id, position)
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id),
	sid TEXT NOT NULL,
	identity TEXT NOT NULL,
	UNIQUE (service_id, sid),
	UNIQUE (service_id, identity)
);

CREATE TABLE conversations (
	id INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services (id),
	sid TEXT NOT NULL,
	unique_name TEXT,
	friendly_name TEXT,
	state TEXT NOT NULL CHECK (state IN ('inactive', 'active', 'closed')),
	attributes TEXT NOT NULL,
	created_by TEXT,
	created_s INTEGER NOT NULL,
	created_ns INTEGER NOT NULL,
	updated_s INTEGER NOT NULL,
	updated_ns INTEGER NOT NULL,
	inactive_s INTEGER,
	inactive_ns INTEGER,
	closed_s INTEGER,
	closed_ns INTEGER,
	message_count INTEGER NOT NULL CHECK (message_count >= 0),
	UNIQUE (service_id, sid),
	UNIQUE (service_id, unique_name)
);

-- created_s, created_ns and conversation_sid copy the conversation's list
-- position, so that a user's list is one range of
-- participants_by_list_position: a page after or before a position costs
-- the same at the end of a long list as at its start. The unread count is
-- not stored: it is derived from the read index and the message count.
CREATE TABLE participants (
	id INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations (id),
	user_id INTEGER NOT NULL REFERENCES users (id),
	sid TEXT NOT NULL UNIQUE,
	created_s INTEGER NOT NULL,
	created_ns INTEGER NOT NULL,
	conversation_sid TEXT NOT NULL,
	notification_level TEXT NOT NULL CHECK (notification_level IN ('default', 'muted')),
	last_read_index INTEGER CHECK (last_read_index >= 0),
	last_read_s INTEGER,
	last_read_ns INTEGER,
	updated_s INTEGER NOT NULL,
	updated_ns INTEGER NOT NULL,
	UNIQUE (conversation_id, user_id)
);
CREATE INDEX participants_by_list_position ON participants (user_id, created_s, created_ns, conversation_sid);
