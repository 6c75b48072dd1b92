package sqlite

import (
	"context"
	"fmt"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

// FetchUserConversation returns the user's view of the conversation.
func (s *Store) FetchUserConversation(ctx context.Context, scope store.Scope, user, conversation string) (store.UserConversation, error) {
	return sqlworld.Fetch(ctx, conn{stmts: s.reads}, scope, user, conversation)
}

// ListUserConversations returns one page of the user's conversations, read
// by one statement. A query breaking ListQuery's constraints fails with
// store.ErrInvalidQuery.
func (s *Store) ListUserConversations(ctx context.Context, scope store.Scope, user string, q store.ListQuery) (store.Page, error) {
	if err := q.Validate(); err != nil {
		return store.Page{}, err
	}
	return sqlworld.List(ctx, conn{stmts: s.reads}, scope, user, q)
}

// UpdateUserConversation applies the fields u sets, stamps the participant
// updated now, and returns the new view, in one transaction. An invalid u
// is rejected before anything is looked up, with store.ErrInvalidUpdate.
func (s *Store) UpdateUserConversation(ctx context.Context, scope store.Scope, user, conversation string, u store.Update) (uc store.UserConversation, err error) {
	if err := u.Validate(); err != nil {
		return store.UserConversation{}, err
	}
	now := s.now()
	err = s.write(ctx, func(c conn) error {
		uc, err = sqlworld.Update(ctx, c, now, scope, user, conversation, u)
		return err
	})
	return uc, err
}

// RemoveUserConversation removes the user from the conversation.
func (s *Store) RemoveUserConversation(ctx context.Context, scope store.Scope, user, conversation string) error {
	return s.write(ctx, func(c conn) error {
		return sqlworld.Remove(ctx, c, scope, user, conversation)
	})
}

// Authenticate accepts an Account SID with its auth token, or an API key
// SID with its secret, and returns the account SID. It asks the database
// every time: the HTTP layer keeps what passed, for as long as Version
// stays the same (sqlworld.AuthCache).
func (s *Store) Authenticate(ctx context.Context, username, password string) (string, error) {
	return s.auth.Authenticate(ctx, conn{stmts: s.reads}, username, password)
}

// Load replaces the whole world with w in one transaction, or returns an
// error wrapping store.ErrInvalidWorld and keeps the current one.
func (s *Store) Load(ctx context.Context, w store.World) error {
	if err := w.Validate(); err != nil {
		return err
	}
	defer s.auth.Forget()
	return s.write(ctx, func(c conn) error { return replace(ctx, c, w) })
}

// Modify applies change to a snapshot and loads the result in one write
// transaction: SQLite's write lock keeps every other write, of this
// process or another, out until it commits.
func (s *Store) Modify(ctx context.Context, change func(store.World) (store.World, error)) error {
	defer s.auth.Forget()
	return s.write(ctx, func(c conn) error {
		w, err := sqlworld.Change(ctx, c, change)
		if err != nil {
			return err
		}
		return replace(ctx, c, w)
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

// replace empties every table and writes w, a valid world.
func replace(ctx context.Context, c conn, w store.World) error {
	if err := sqlworld.BumpWorldVersion(ctx, c); err != nil {
		return err
	}
	for _, stmt := range sqlworld.DeleteAll() {
		if _, err := c.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	for _, t := range sqlworld.Tables {
		insert := t.InsertSQL()
		for row := range t.Rows(w) {
			if _, err := c.Exec(ctx, insert, row...); err != nil {
				return fmt.Errorf("store: writing %s: %w", t.Name, err)
			}
		}
	}
	return nil
}
