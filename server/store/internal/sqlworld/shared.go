package sqlworld

import (
	"context"
	"fmt"
	"strconv"

	"github.com/twilio-stubs/userconversations/server/store"
)

// What the SQL stores keep for store.Shared, in the tables of their
// 0002_shared_state migration. Every text here is valid in both dialects;
// each store runs these functions in its own transactions, and takes its
// own locks where a function says it needs one.

// Secret returns the secret named name, storing fresh (size random bytes
// the caller made) first if there is none. Run it in a write transaction:
// of two handles asking at once, the second finds the first's.
func Secret(ctx context.Context, c Conn, name string, fresh []byte) ([]byte, error) {
	if _, err := c.Exec(ctx, "INSERT INTO shared_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, fresh); err != nil {
		return nil, fmt.Errorf("store: storing secret %s: %w", name, err)
	}
	var value []byte
	if err := queryRow(ctx, c, "SELECT value FROM shared_secrets WHERE name = $1", []any{name}, &value); err != nil {
		return nil, fmt.Errorf("store: reading secret %s: %w", name, err)
	}
	return value, nil
}

const faultVersionSQL = "SELECT value FROM shared_counters WHERE name = 'fault_version'"

// FaultRulesVersion reads the rules' version.
func FaultRulesVersion(ctx context.Context, c Conn) (int64, error) {
	var v int64
	err := queryRow(ctx, c, faultVersionSQL, nil, &v)
	return v, err
}

// FaultRules reads the rules in order and their version. Run it in a
// read transaction, so that both are of one moment.
func FaultRules(ctx context.Context, c Conn) ([]store.FaultRule, int64, error) {
	v, err := FaultRulesVersion(ctx, c)
	if err != nil {
		return nil, 0, err
	}
	rows, err := c.Query(ctx, "SELECT id, rule, times, applied FROM fault_rules ORDER BY position")
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []store.FaultRule
	for rows.Next() {
		var r store.FaultRule
		var rule string
		var times, applied int64
		if err := rows.Scan(&r.ID, &rule, &times, &applied); err != nil {
			return nil, 0, err
		}
		r.Rule, r.Times, r.Applied = []byte(rule), int(times), int(applied)
		out = append(out, r)
	}
	return out, v, rows.Err()
}

// bumpFaultVersion changes the rules' version. It is the first statement
// of every change to the rules: its row lock queues the changes of every
// handle one after the other (in PostgreSQL; SQLite's write lock already
// does), so ids and positions are handed out once.
func bumpFaultVersion(ctx context.Context, c Conn) error {
	_, err := c.Exec(ctx, "UPDATE shared_counters SET value = value + 1 WHERE name = 'fault_version'")
	return err
}

// PutFaultRule is store.Shared's. Run it in a write transaction.
func PutFaultRule(ctx context.Context, c Conn, r store.FaultRule) (store.FaultRule, bool, error) {
	if err := bumpFaultVersion(ctx, c); err != nil {
		return r, false, err
	}
	r.Applied = 0
	if r.ID != "" {
		n, err := c.Exec(ctx, "UPDATE fault_rules SET rule = $2, times = $3, applied = 0 WHERE id = $1", r.ID, string(r.Rule), int64(r.Times))
		if err != nil || n == 1 {
			return r, false, err
		}
	}
	for r.ID == "" {
		var n int64
		if err := queryRow(ctx, c, "UPDATE shared_counters SET value = value + 1 WHERE name = 'fault_id' RETURNING value", nil, &n); err != nil {
			return r, false, err
		}
		id := "f" + strconv.FormatInt(n, 10)
		var taken int64
		if err := queryRow(ctx, c, "SELECT COUNT(*) FROM fault_rules WHERE id = $1", []any{id}, &taken); err != nil {
			return r, false, err
		}
		if taken == 0 {
			r.ID = id
		}
	}
	_, err := c.Exec(ctx, `INSERT INTO fault_rules (id, position, rule, times, applied)
SELECT CAST($1 AS TEXT), COALESCE(MAX(position), 0) + 1, CAST($2 AS TEXT), CAST($3 AS BIGINT), 0 FROM fault_rules`, r.ID, string(r.Rule), int64(r.Times))
	return r, true, err
}

// RemoveFaultRule is store.Shared's. Run it in a write transaction.
func RemoveFaultRule(ctx context.Context, c Conn, id string) (bool, error) {
	if err := bumpFaultVersion(ctx, c); err != nil {
		return false, err
	}
	n, err := c.Exec(ctx, "DELETE FROM fault_rules WHERE id = $1", id)
	return n > 0, err
}

// ClearFaultRules is store.Shared's. Run it in a write transaction.
func ClearFaultRules(ctx context.Context, c Conn) error {
	if err := bumpFaultVersion(ctx, c); err != nil {
		return err
	}
	_, err := c.Exec(ctx, "DELETE FROM fault_rules")
	return err
}

// ApplyFaultRuleSQL counts one application of a rule that is not spent,
// in one statement: concurrent ones, from any process, queue on the row.
const ApplyFaultRuleSQL = `UPDATE fault_rules SET applied = applied + 1
WHERE id = $1 AND (times = 0 OR applied < times) RETURNING applied`

// ApplyFaultRule is store.Shared's.
func ApplyFaultRule(ctx context.Context, c Conn, id string) (int, bool, error) {
	rows, err := c.Query(ctx, ApplyFaultRuleSQL, id)
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	var applied int64
	found := rows.Next()
	if found {
		err = rows.Scan(&applied)
	}
	if err == nil {
		err = rows.Err()
	}
	return int(applied), found && err == nil, err
}

// InsertRequestSQL adds one journal entry; the database numbers it.
const InsertRequestSQL = "INSERT INTO request_journal (bytes, entry) VALUES ($1, $2)"

// TrimRequestsSQL drops the oldest journal entries until at most $1 remain
// and their bytes add up to at most $2, keeping the newest whatever its
// size: the same rule as the in-memory journal's. Counted from the newest,
// an entry's rank and running total only grow, so the entries past either
// bound are the oldest ones, up to the newest of them.
const TrimRequestsSQL = `DELETE FROM request_journal WHERE seq <= (
	SELECT COALESCE(MAX(seq), 0) FROM (
		SELECT seq, ROW_NUMBER() OVER newest AS n, SUM(bytes) OVER newest AS total
		FROM request_journal
		WINDOW newest AS (ORDER BY seq DESC ROWS UNBOUNDED PRECEDING)
	) ranked WHERE n > 1 AND (n > $1 OR total > $2)
)`

// TrimRequests applies TrimRequestsSQL.
func TrimRequests(ctx context.Context, c Conn, maxEntries int, maxBytes int64) error {
	_, err := c.Exec(ctx, TrimRequestsSQL, int64(maxEntries), maxBytes)
	return err
}

// Requests is store.Shared's.
func Requests(ctx context.Context, c Conn, yield func(store.JournalEntry) bool) error {
	rows, err := c.Query(ctx, "SELECT seq, bytes, entry FROM request_journal ORDER BY seq DESC")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e store.JournalEntry
		var data string
		if err := rows.Scan(&e.Seq, &e.Bytes, &data); err != nil {
			return err
		}
		e.Data = []byte(data)
		if !yield(e) {
			return nil
		}
	}
	return rows.Err()
}

// ClearRequests is store.Shared's.
func ClearRequests(ctx context.Context, c Conn) error {
	_, err := c.Exec(ctx, "DELETE FROM request_journal")
	return err
}

// SeedIfEmpty is a store's Seed inside its write transaction c: fixtures'
// world, checked, goes in through replace if the database holds none.
// seeded says whether it did.
func SeedIfEmpty(ctx context.Context, c Conn, fixtures func() (store.World, error), replace func(store.World) error) (seeded bool, err error) {
	has, err := HasWorld(ctx, c)
	if err != nil || has {
		return false, err
	}
	w, err := fixtures()
	if err != nil {
		return false, err
	}
	if err := w.Validate(); err != nil {
		return false, err
	}
	return true, replace(w)
}

// HasWorld reports whether the database holds a world: an account.
func HasWorld(ctx context.Context, c Conn) (bool, error) {
	var n int64
	err := queryRow(ctx, c, "SELECT COUNT(*) FROM (SELECT 1 FROM accounts LIMIT 1) AS one", nil, &n)
	return n > 0, err
}

// queryRow reads the one row of text into dest.
func queryRow(ctx context.Context, c Conn, text string, args []any, dest ...any) error {
	rows, err := c.Query(ctx, text, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("store: no row from %q", text)
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Err()
}
