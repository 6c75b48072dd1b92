package sqlworld

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Statement is a query text and its arguments, for a store that sends
// several at once (a PostgreSQL batch: one round trip).
type Statement struct {
	SQL  string
	Args []any
}

// FetchStatement is the query of Fetch; read its result with ScanView.
func FetchStatement(scope store.Scope, user, conversation string) Statement {
	l := lookupOf(scope, user, conversation)
	return Statement{queries().fetch[l.index()], append(userArgs(scope, user), conversation)}
}

// Fetch returns the user's view of the conversation.
func Fetch(ctx context.Context, c Conn, scope store.Scope, user, conversation string) (store.UserConversation, error) {
	st := FetchStatement(scope, user, conversation)
	rows, err := c.Query(ctx, st.SQL, st.Args...)
	if err != nil {
		return store.UserConversation{}, err
	}
	return ScanView(rows, scope, user, conversation)
}

// ScanView reads the view FetchStatement's query found, and closes rows.
// No row is store.ErrNotFound.
func ScanView(rows Rows, scope store.Scope, user, conversation string) (store.UserConversation, error) {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return store.UserConversation{}, err
		}
		return store.UserConversation{}, NotFound(scope, user, conversation)
	}
	var r viewRow
	if err := rows.Scan(r.dest()...); err != nil {
		return store.UserConversation{}, err
	}
	return r.view(), rows.Err()
}

// NotFound is the error of an operation on a participation that is not
// there: the user, the conversation, or the user's part in it.
func NotFound(scope store.Scope, user, conversation string) error {
	return fmt.Errorf("user %q in conversation %q of account %q: %w", user, conversation, scope.Account, store.ErrNotFound)
}

// UpdateStatement is the UPDATE of Update: it changes no row when the
// participation is not there.
func UpdateStatement(now time.Time, scope store.Scope, user, conversation string, u store.Update) Statement {
	l := lookupOf(scope, user, conversation)
	var level string
	if u.NotificationLevel != nil {
		level = *u.NotificationLevel
	}
	var readS, readNS int64
	if u.LastReadTimestamp != nil {
		readS, readNS = Secs(u.LastReadTimestamp.UTC().Truncate(time.Second))
	}
	var readIndex *int64
	if u.SetReadIndex && u.LastReadMessageIndex != nil {
		readIndex = new(int64(*u.LastReadMessageIndex))
	}
	updatedS, updatedNS := Secs(now.UTC().Truncate(time.Second))
	return Statement{queries().update[l.index()], append(userArgs(scope, user), conversation,
		u.NotificationLevel != nil, level,
		u.LastReadTimestamp != nil, readS, readNS,
		u.SetReadIndex, readIndex,
		updatedS, updatedNS)}
}

// Update applies u, which the caller has validated, stamping the
// participant updated at now (in UTC, to the second, as the memory store
// does), and returns the new view. Run it in a transaction: it is an
// update, then a read of what it wrote. Only the columns u sets are
// written, so concurrent updates of different fields both land.
func Update(ctx context.Context, c Conn, now time.Time, scope store.Scope, user, conversation string, u store.Update) (store.UserConversation, error) {
	st := UpdateStatement(now, scope, user, conversation, u)
	n, err := c.Exec(ctx, st.SQL, st.Args...)
	if err != nil {
		return store.UserConversation{}, err
	}
	if n == 0 {
		return store.UserConversation{}, NotFound(scope, user, conversation)
	}
	return Fetch(ctx, c, scope, user, conversation)
}

// RemoveStatement is the DELETE of Remove: it deletes no row when the
// participation is not there.
func RemoveStatement(scope store.Scope, user, conversation string) Statement {
	l := lookupOf(scope, user, conversation)
	return Statement{queries().remove[l.index()], append(userArgs(scope, user), conversation)}
}

// Remove deletes the user's participation in the conversation.
func Remove(ctx context.Context, c Conn, scope store.Scope, user, conversation string) error {
	st := RemoveStatement(scope, user, conversation)
	n, err := c.Exec(ctx, st.SQL, st.Args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return NotFound(scope, user, conversation)
	}
	return nil
}

// List returns one page of the user's conversations, q validated by the
// caller, with one query (see queryTexts.buildList). After and Before pages are ranges
// of an index, as cheap at the end of a long list as at its start; an
// Offset page skips Offset entries of that index.
func List(ctx context.Context, c Conn, scope store.Scope, user string, q store.ListQuery) (store.Page, error) {
	l := lookupOf(scope, user, "")
	args := userArgs(scope, user)
	mode := listFirst
	switch {
	case q.After != nil:
		mode = listAfter
		args = appendPosition(args, *q.After)
	case q.Before != nil:
		mode = listBefore
		args = appendPosition(args, *q.Before)
	case q.Offset > 0:
		mode = listOffset
		args = append(args, int64(q.Offset))
	}
	rows, err := c.Query(ctx, listText(mode, l, q.Limit+1), args...)
	if err != nil {
		return store.Page{}, err
	}
	defer rows.Close()

	page := store.Page{Items: q.Items[:0]}
	var found, beyond bool
	var side int64
	var r viewRow
	dest := append([]any{&side}, r.dest()...)
	for rows.Next() {
		r = viewRow{}
		if err := rows.Scan(dest...); err != nil {
			return store.Page{}, err
		}
		switch side {
		case 0:
			page.Items = append(page.Items, r.view())
		case 1:
			beyond = true
		case 2:
			found, page.UserSID = true, r.userSID
		}
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, err
	}
	if !found {
		return store.Page{}, fmt.Errorf("user %q of account %q: %w", user, scope.Account, store.ErrNotFound)
	}
	// The statement's branches come back in no promised order: sort.
	slices.SortFunc(page.Items, func(a, b store.UserConversation) int {
		return store.PositionOf(a).Compare(store.PositionOf(b))
	})
	more := len(page.Items) > q.Limit
	if mode == listBefore {
		if more {
			// Moved, not resliced: the array may be the caller's
			// (ListQuery.Items), reused from its start.
			page.Items = page.Items[:copy(page.Items, page.Items[1:])]
		}
		page.HasEarlier, page.HasMore = more, beyond
	} else {
		if more {
			page.Items = page.Items[:q.Limit]
		}
		page.HasMore, page.HasEarlier = more, beyond
	}
	return page, nil
}

func appendPosition(args []any, p store.Position) []any {
	s, ns := Secs(p.DateCreated)
	return append(args, s, ns, p.ConversationSID)
}
