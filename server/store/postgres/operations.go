package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

// FetchUserConversation returns the user's view of the conversation.
func (s *Store) FetchUserConversation(ctx context.Context, scope store.Scope, user, conversation string) (store.UserConversation, error) {
	return sqlworld.Fetch(ctx, conn{s.pool}, scope, user, conversation)
}

// ListUserConversations returns one page of the user's conversations, read
// by one statement. A query breaking ListQuery's constraints fails with
// store.ErrInvalidQuery.
func (s *Store) ListUserConversations(ctx context.Context, scope store.Scope, user string, q store.ListQuery) (store.Page, error) {
	if err := q.Validate(); err != nil {
		return store.Page{}, err
	}
	return sqlworld.List(ctx, conn{s.pool}, scope, user, q)
}

// UpdateUserConversation applies the fields u sets, stamps the participant
// updated now, and returns the new view. An invalid u is rejected before
// anything is looked up, with store.ErrInvalidUpdate.
//
// The world lock (shared), the UPDATE and the read of the new view go in
// one batch: one round trip, and one implicit transaction, so the lock is
// held until the view is read.
func (s *Store) UpdateUserConversation(ctx context.Context, scope store.Scope, user, conversation string, u store.Update) (store.UserConversation, error) {
	if err := u.Validate(); err != nil {
		return store.UserConversation{}, err
	}
	update := sqlworld.UpdateStatement(s.now(), scope, user, conversation, u)
	fetch := sqlworld.FetchStatement(scope, user, conversation)
	var b pgx.Batch
	b.Queue("SELECT pg_advisory_xact_lock_shared($1)", worldLock)
	b.Queue(update.SQL, update.Args...)
	b.Queue(fetch.SQL, fetch.Args...)
	results := s.pool.SendBatch(ctx, &b)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return store.UserConversation{}, fmt.Errorf("store: taking the lock: %w", err)
	}
	tag, err := results.Exec()
	if err != nil {
		return store.UserConversation{}, err
	}
	if tag.RowsAffected() == 0 {
		return store.UserConversation{}, sqlworld.NotFound(scope, user, conversation)
	}
	rows, err := results.Query()
	if err != nil {
		return store.UserConversation{}, err
	}
	uc, err := sqlworld.ScanView(rows, scope, user, conversation)
	if err != nil {
		return store.UserConversation{}, err
	}
	return uc, results.Close()
}

// RemoveUserConversation removes the user from the conversation: the world
// lock (shared) and the DELETE in one batch, as UpdateUserConversation.
func (s *Store) RemoveUserConversation(ctx context.Context, scope store.Scope, user, conversation string) error {
	remove := sqlworld.RemoveStatement(scope, user, conversation)
	var b pgx.Batch
	b.Queue("SELECT pg_advisory_xact_lock_shared($1)", worldLock)
	b.Queue(remove.SQL, remove.Args...)
	results := s.pool.SendBatch(ctx, &b)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return fmt.Errorf("store: taking the lock: %w", err)
	}
	tag, err := results.Exec()
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return sqlworld.NotFound(scope, user, conversation)
	}
	return results.Close()
}

// Authenticate accepts an Account SID with its auth token, or an API key
// SID with its secret, and returns the account SID. It asks the database
// every time: the HTTP layer keeps what passed, for as long as Version
// stays the same (sqlworld.AuthCache).
func (s *Store) Authenticate(ctx context.Context, username, password string) (string, error) {
	return s.auth.Authenticate(ctx, conn{s.pool}, username, password)
}

// Load replaces the whole world with w in one transaction holding the
// world lock, or returns an error wrapping store.ErrInvalidWorld and keeps
// the current one.
func (s *Store) Load(ctx context.Context, w store.World) error {
	if err := w.Validate(); err != nil {
		return err
	}
	defer s.auth.Forget()
	return s.write(ctx, "pg_advisory_xact_lock", worldLock, func(c conn) error {
		return replace(ctx, c.db.(pgx.Tx), w)
	})
}

// Modify applies change to a snapshot and loads the result in one
// transaction holding the world lock: no write through any handle lands
// between the snapshot and the replacement.
func (s *Store) Modify(ctx context.Context, change func(store.World) (store.World, error)) error {
	defer s.auth.Forget()
	return s.write(ctx, "pg_advisory_xact_lock", worldLock, func(c conn) error {
		w, err := sqlworld.Change(ctx, c, change)
		if err != nil {
			return err
		}
		return replace(ctx, c.db.(pgx.Tx), w)
	})
}

// Snapshot returns the world in Load's order, read in one transaction.
func (s *Store) Snapshot(ctx context.Context) (w store.World, err error) {
	err = s.read(ctx, func(c conn) error {
		w, err = sqlworld.Snapshot(ctx, c)
		return err
	})
	return w, err
}
