package postgres

import (
	"context"
	"crypto/rand"

	"github.com/jackc/pgx/v5"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

var (
	_ store.Seeder    = (*Store)(nil)
	_ store.Shared    = (*Store)(nil)
	_ store.Versioned = (*Store)(nil)
)

// journalLock queues the journal's appends, each of which trims it: two
// appends trimming at once could each miss the other's rows.
const journalLock = worldLock + 2

// Seed loads fixtures' world if the database holds none, in one
// transaction holding the world lock exclusively: of several processes
// starting at once on a new database, one seeds it and the others then
// find it seeded.
func (s *Store) Seed(ctx context.Context, fixtures func() (store.World, error)) (seeded bool, err error) {
	defer s.auth.Forget()
	err = s.write(ctx, "pg_advisory_xact_lock", worldLock, func(c conn) error {
		seeded, err = sqlworld.SeedIfEmpty(ctx, c, fixtures, func(w store.World) error { return replace(ctx, c.db.(pgx.Tx), w) })
		return err
	})
	return seeded && err == nil, err
}

// Secret returns the secret named name, made on first use.
func (s *Store) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	// Each statement is a transaction of its own: the INSERT of a second
	// handle waits for the first's to commit, and then changes nothing.
	return sqlworld.Secret(ctx, conn{s.pool}, name, fresh)
}

// FaultRulesVersion reads the rules' version: one round trip.
func (s *Store) FaultRulesVersion(ctx context.Context) (int64, error) {
	return sqlworld.FaultRulesVersion(ctx, conn{s.pool})
}

// FaultRules reads the rules and their version in one snapshot.
func (s *Store) FaultRules(ctx context.Context) (rules []store.FaultRule, version int64, err error) {
	err = s.read(ctx, func(c conn) error {
		rules, version, err = sqlworld.FaultRules(ctx, c)
		return err
	})
	return rules, version, err
}

// PutFaultRule adds or replaces a rule. Its first statement locks the
// version's row, which queues the changes of every handle.
func (s *Store) PutFaultRule(ctx context.Context, r store.FaultRule) (kept store.FaultRule, added bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		kept, added, err = sqlworld.PutFaultRule(ctx, conn{tx}, r)
		return err
	})
	return kept, added, err
}

// RemoveFaultRule removes a rule.
func (s *Store) RemoveFaultRule(ctx context.Context, id string) (removed bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		removed, err = sqlworld.RemoveFaultRule(ctx, conn{tx}, id)
		return err
	})
	return removed, err
}

// ClearFaultRules removes every rule.
func (s *Store) ClearFaultRules(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return sqlworld.ClearFaultRules(ctx, conn{tx})
	})
}

// ApplyFaultRule counts an application of a rule that is not spent: one
// statement, one round trip.
func (s *Store) ApplyFaultRule(ctx context.Context, id string) (int, bool, error) {
	return sqlworld.ApplyFaultRule(ctx, conn{s.pool}, id)
}

// insertRequestsSQL adds a batch of entries in one statement.
const insertRequestsSQL = "INSERT INTO request_journal (bytes, entry) SELECT * FROM unnest($1::bigint[], $2::text[])"

// skipRequestsSQL leaves $1 numbers of the journal unused: the identity's
// sequence moves on by as many.
const skipRequestsSQL = `SELECT setval(pg_get_serial_sequence('request_journal', 'seq'),
	nextval(pg_get_serial_sequence('request_journal', 'seq')) + $1 - 1)`

// AppendRequests adds journal entries and trims the journal, in one
// transaction holding journalLock: one statement for each run of entries
// with no numbers to skip between them.
func (s *Store) AppendRequests(ctx context.Context, entries []store.JournalEntry, maxEntries int, maxBytes int64) error {
	return s.write(ctx, "pg_advisory_xact_lock", journalLock, func(c conn) error {
		for start := 0; start < len(entries); {
			if skip := entries[start].Skip; skip > 0 {
				if _, err := c.Exec(ctx, skipRequestsSQL, skip); err != nil {
					return err
				}
			}
			end := start + 1
			for end < len(entries) && entries[end].Skip == 0 {
				end++
			}
			sizes := make([]int64, 0, end-start)
			data := make([]string, 0, end-start)
			for _, e := range entries[start:end] {
				sizes, data = append(sizes, e.Bytes), append(data, string(e.Data))
			}
			if _, err := c.Exec(ctx, insertRequestsSQL, sizes, data); err != nil {
				return err
			}
			start = end
		}
		return sqlworld.TrimRequests(ctx, c, maxEntries, maxBytes)
	})
}

// Requests reads the journal, newest first, in one snapshot.
func (s *Store) Requests(ctx context.Context, yield func(store.JournalEntry) bool) error {
	return s.read(ctx, func(c conn) error { return sqlworld.Requests(ctx, c, yield) })
}

// ClearRequests empties the journal, after any append under way.
func (s *Store) ClearRequests(ctx context.Context) error {
	return s.write(ctx, "pg_advisory_xact_lock", journalLock, func(c conn) error {
		return sqlworld.ClearRequests(ctx, c)
	})
}

// Version is store.Versioned's: it changes as soon as this process
// replaces the world, and within about sqlworld.CredentialsRefresh after
// another process does (sqlworld.AuthCache.Current).
func (s *Store) Version() uint64 { return s.auth.Current(conn{s.pool}) }
