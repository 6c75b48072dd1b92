package sqlite

import (
	"context"
	"crypto/rand"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

var (
	_ store.Seeder    = (*Store)(nil)
	_ store.Shared    = (*Store)(nil)
	_ store.Versioned = (*Store)(nil)
)

// Seed loads fixtures' world if the file holds none, in one write
// transaction: SQLite's write lock keeps another process seeding the same
// file from doing it twice.
func (s *Store) Seed(ctx context.Context, fixtures func() (store.World, error)) (seeded bool, err error) {
	defer s.auth.Forget()
	err = s.write(ctx, func(c conn) error {
		seeded, err = sqlworld.SeedIfEmpty(ctx, c, fixtures, func(w store.World) error { return replace(ctx, c, w) })
		return err
	})
	return seeded && err == nil, err
}

// Secret returns the secret named name, made on first use.
func (s *Store) Secret(ctx context.Context, name string, size int) (value []byte, err error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(c conn) error {
		value, err = sqlworld.Secret(ctx, c, name, fresh)
		return err
	})
	return value, err
}

// FaultRulesVersion reads the rules' version.
func (s *Store) FaultRulesVersion(ctx context.Context) (int64, error) {
	return sqlworld.FaultRulesVersion(ctx, conn{stmts: s.reads})
}

// FaultRules reads the rules and their version in one read transaction.
func (s *Store) FaultRules(ctx context.Context) (rules []store.FaultRule, version int64, err error) {
	err = s.read(ctx, func(c conn) error {
		rules, version, err = sqlworld.FaultRules(ctx, c)
		return err
	})
	return rules, version, err
}

// PutFaultRule adds or replaces a rule.
func (s *Store) PutFaultRule(ctx context.Context, r store.FaultRule) (kept store.FaultRule, added bool, err error) {
	err = s.write(ctx, func(c conn) error {
		kept, added, err = sqlworld.PutFaultRule(ctx, c, r)
		return err
	})
	return kept, added, err
}

// RemoveFaultRule removes a rule.
func (s *Store) RemoveFaultRule(ctx context.Context, id string) (removed bool, err error) {
	err = s.write(ctx, func(c conn) error {
		removed, err = sqlworld.RemoveFaultRule(ctx, c, id)
		return err
	})
	return removed, err
}

// ClearFaultRules removes every rule.
func (s *Store) ClearFaultRules(ctx context.Context) error {
	return s.write(ctx, func(c conn) error { return sqlworld.ClearFaultRules(ctx, c) })
}

// ApplyFaultRule counts an application of a rule that is not spent.
func (s *Store) ApplyFaultRule(ctx context.Context, id string) (applied int, ok bool, err error) {
	err = s.write(ctx, func(c conn) error {
		applied, ok, err = sqlworld.ApplyFaultRule(ctx, c, id)
		return err
	})
	return applied, ok, err
}

// skipRequests leaves n numbers of the journal unused: AUTOINCREMENT
// numbers the next entry after the one sqlite_sequence holds, which has
// no row until the first entry.
func skipRequests(ctx context.Context, c conn, n int64) error {
	changed, err := c.Exec(ctx, "UPDATE sqlite_sequence SET seq = seq + $1 WHERE name = 'request_journal'", n)
	if err == nil && changed == 0 {
		_, err = c.Exec(ctx, "INSERT INTO sqlite_sequence (name, seq) VALUES ('request_journal', $1)", n)
	}
	return err
}

// AppendRequests adds journal entries and trims the journal, in one write
// transaction.
func (s *Store) AppendRequests(ctx context.Context, entries []store.JournalEntry, maxEntries int, maxBytes int64) error {
	return s.write(ctx, func(c conn) error {
		for _, e := range entries {
			if e.Skip > 0 {
				if err := skipRequests(ctx, c, e.Skip); err != nil {
					return err
				}
			}
			if _, err := c.Exec(ctx, sqlworld.InsertRequestSQL, e.Bytes, string(e.Data)); err != nil {
				return err
			}
		}
		return sqlworld.TrimRequests(ctx, c, maxEntries, maxBytes)
	})
}

// Requests reads the journal, newest first, in one read transaction.
func (s *Store) Requests(ctx context.Context, yield func(store.JournalEntry) bool) error {
	return s.read(ctx, func(c conn) error { return sqlworld.Requests(ctx, c, yield) })
}

// ClearRequests empties the journal.
func (s *Store) ClearRequests(ctx context.Context) error {
	return s.write(ctx, func(c conn) error { return sqlworld.ClearRequests(ctx, c) })
}

// Version is store.Versioned's: it changes as soon as this process
// replaces the world, and within about sqlworld.CredentialsRefresh after
// another process does (sqlworld.AuthCache.Current).
func (s *Store) Version() uint64 { return s.auth.Current(conn{stmts: s.reads}) }
