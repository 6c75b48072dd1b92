package sqlworld

import (
	"context"
	"fmt"
	"strings"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Snapshot reads the whole world, in Load's order. Run it in a transaction
// that sees one snapshot of the database: it reads every table in turn.
func Snapshot(ctx context.Context, c Conn) (store.World, error) {
	r := reader{
		accounts:      make(map[int64]int),
		services:      make(map[int64]servicePlace),
		users:         make(map[int64]string),
		conversations: make(map[int64]conversationPlace),
	}
	for _, read := range []struct {
		table string
		cols  string
		row   func(Rows) error
	}{
		{"accounts", "id, sid, auth_token", r.account},
		{"api_keys", "account_id, sid, secret", r.apiKey},
		{"services", "id, account_id, sid", r.service},
		{"users", "id, service_id, sid, identity", r.user},
		{"conversations", strings.Join(conversationColumns, ", "), r.conversation},
		{"participants", "conversation_id, user_id, sid, notification_level, last_read_index, last_read_s, last_read_ns, updated_s, updated_ns", r.participant},
	} {
		if err := each(ctx, c, fmt.Sprintf("SELECT %s FROM %s ORDER BY id", read.cols, read.table), read.row); err != nil {
			return store.World{}, fmt.Errorf("reading %s: %w", read.table, err)
		}
	}
	return r.w, nil
}

// Change is what Modify does before it writes: read the world through c,
// apply change, and validate the result. Run it in the transaction that
// then replaces the world, holding the lock that keeps other writes out.
func Change(ctx context.Context, c Conn, change func(store.World) (store.World, error)) (store.World, error) {
	w, err := Snapshot(ctx, c)
	if err != nil {
		return store.World{}, err
	}
	if w, err = change(w); err != nil {
		return store.World{}, err
	}
	if err := w.Validate(); err != nil {
		return store.World{}, err
	}
	return w, nil
}

// each calls row on each row of the query's result.
func each(ctx context.Context, c Conn, sql string, row func(Rows) error) error {
	rows, err := c.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

type servicePlace struct{ account, service int }

type conversationPlace struct {
	servicePlace
	conversation int
}

// reader assembles a World from its tables, read parents first and each
// in id order: every row's parent has been placed when it is read.
type reader struct {
	w             store.World
	accounts      map[int64]int // id -> index in w.Accounts
	services      map[int64]servicePlace
	users         map[int64]string // id -> SID
	conversations map[int64]conversationPlace
}

func (r *reader) service(rows Rows) error {
	var id, accountID int64
	var s store.Service
	if err := rows.Scan(&id, &accountID, &s.SID); err != nil {
		return err
	}
	a := &r.w.Accounts[r.accounts[accountID]]
	r.services[id] = servicePlace{r.accounts[accountID], len(a.Services)}
	a.Services = append(a.Services, s)
	return nil
}

func (r *reader) account(rows Rows) error {
	var id int64
	var a store.Account
	if err := rows.Scan(&id, &a.SID, &a.AuthToken); err != nil {
		return err
	}
	r.accounts[id] = len(r.w.Accounts)
	r.w.Accounts = append(r.w.Accounts, a)
	return nil
}

func (r *reader) apiKey(rows Rows) error {
	var accountID int64
	var k store.APIKey
	if err := rows.Scan(&accountID, &k.SID, &k.Secret); err != nil {
		return err
	}
	a := &r.w.Accounts[r.accounts[accountID]]
	a.APIKeys = append(a.APIKeys, k)
	return nil
}

func (r *reader) placeService(id int64) *store.Service {
	p := r.services[id]
	return &r.w.Accounts[p.account].Services[p.service]
}

func (r *reader) user(rows Rows) error {
	var id, serviceID int64
	var u store.User
	if err := rows.Scan(&id, &serviceID, &u.SID, &u.Identity); err != nil {
		return err
	}
	s := r.placeService(serviceID)
	s.Users = append(s.Users, u)
	r.users[id] = u.SID
	return nil
}

func (r *reader) conversation(rows Rows) error {
	var id, serviceID, messageCount int64
	var createdS, createdNS, updatedS, updatedNS int64
	var inactiveS, inactiveNS, closedS, closedNS *int64
	var c store.Conversation
	if err := rows.Scan(&id, &serviceID, &c.SID, &c.UniqueName, &c.FriendlyName, &c.State, &c.Attributes, &c.CreatedBy,
		&createdS, &createdNS, &updatedS, &updatedNS,
		&inactiveS, &inactiveNS, &closedS, &closedNS, &messageCount); err != nil {
		return err
	}
	c.DateCreated, c.DateUpdated = Time(createdS, createdNS), Time(updatedS, updatedNS)
	c.Timers = store.Timers{DateInactive: NullTime(inactiveS, inactiveNS), DateClosed: NullTime(closedS, closedNS)}
	c.MessageCount = int(messageCount)
	s := r.placeService(serviceID)
	r.conversations[id] = conversationPlace{r.services[serviceID], len(s.Conversations)}
	s.Conversations = append(s.Conversations, c)
	return nil
}

func (r *reader) participant(rows Rows) error {
	var convID, userID, updatedS, updatedNS int64
	var readIndex, readS, readNS *int64
	var p store.Participant
	if err := rows.Scan(&convID, &userID, &p.SID, &p.NotificationLevel, &readIndex, &readS, &readNS, &updatedS, &updatedNS); err != nil {
		return err
	}
	p.UserSID = r.users[userID]
	if readIndex != nil {
		p.LastReadMessageIndex = new(int(*readIndex))
	}
	p.LastReadTimestamp = NullTime(readS, readNS)
	p.DateUpdated = Time(updatedS, updatedNS)
	place := r.conversations[convID]
	c := &r.w.Accounts[place.account].Services[place.service].Conversations[place.conversation]
	c.Participants = append(c.Participants, p)
	return nil
}

// DeleteAll are the statements that empty every table, children first.
func DeleteAll() []string {
	out := make([]string, len(Tables))
	for i, t := range Tables {
		out[len(Tables)-1-i] = "DELETE FROM " + t.Name
	}
	return out
}

// InsertSQL is the statement that inserts one row into t.
func (t Table) InsertSQL() string {
	params := make([]string, len(t.Columns))
	for i := range params {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.Name, strings.Join(t.Columns, ", "), strings.Join(params, ", "))
}
