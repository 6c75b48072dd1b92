package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

// database is what both a pool (*sql.DB) and one of its connections
// (*sql.Conn) offer.
type database interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// statements prepares each query text once for a pool or a connection:
// SQLite compiles a statement on every run otherwise, which costs more
// than running the store's small queries.
type statements struct {
	db database
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStatements(db database) *statements {
	return &statements{db: db, m: make(map[string]*sql.Stmt)}
}

func (s *statements) get(ctx context.Context, text string) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[text]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	s.m[text] = st
	return st, nil
}

func (s *statements) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
	clear(s.m)
}

// conn adapts statements, or a database running texts unprepared (for
// one-off reads), to sqlworld.Conn.
type conn struct {
	stmts *statements
	db    database // used when stmts is nil
}

func (c conn) Query(ctx context.Context, text string, args ...any) (sqlworld.Rows, error) {
	var rows *sql.Rows
	var err error
	if c.stmts == nil {
		rows, err = c.db.QueryContext(ctx, text, args...)
	} else {
		var st *sql.Stmt
		if st, err = c.stmts.get(ctx, text); err == nil {
			rows, err = st.QueryContext(ctx, args...)
		}
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// Exec runs a statement without arguments as it is, unprepared: those are
// the migrations, which hold several statements, and the one-off deletes
// of Load.
func (c conn) Exec(ctx context.Context, text string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if c.stmts == nil || len(args) == 0 {
		db := c.db
		if db == nil {
			db = c.stmts.db
		}
		res, err = db.ExecContext(ctx, text, args...)
	} else {
		var st *sql.Stmt
		if st, err = c.stmts.get(ctx, text); err == nil {
			res, err = st.ExecContext(ctx, args...)
		}
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// sqlRows gives *sql.Rows the Close of sqlworld.Rows; Rows.Err reports
// what closing could.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }
