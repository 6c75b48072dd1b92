package sqlworld

import "context"

// Conn is what the shared operations need of a pool, connection or
// transaction. Each store adapts its driver to it.
type Conn interface {
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// Exec returns the number of rows the statement changed.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
}

// Rows is a result being read, as both database/sql and pgx give it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}
