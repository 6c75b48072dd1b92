package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

// database is what both the pool and a transaction offer. pgx prepares
// and caches each statement text per connection by itself.
type database interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// conn adapts a pool or a transaction to sqlworld.Conn.
type conn struct{ db database }

func (c conn) Query(ctx context.Context, sql string, args ...any) (sqlworld.Rows, error) {
	return c.db.Query(ctx, sql, args...)
}

func (c conn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := c.db.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}
