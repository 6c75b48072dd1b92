// Package sqlworld is what the SQL stores (sqlite, postgres) share: the
// tables a World is written to and read back from, the queries of the
// User Conversation operations, time columns, and the migration files'
// rules. It holds no connection: each store runs these with its driver,
// inside the transactions and locks that engine needs.
//
// Every row's id is its place in Load's order (1, 2, ... across the
// world), so reading a table ordered by id gives Snapshot back that order.
// The SQL uses $1-style parameters, which PostgreSQL and SQLite both read.
package sqlworld

import (
	"iter"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Table is one table of the schema, as Load writes it.
type Table struct {
	Name    string
	Columns []string
	// Rows yields each row w puts in the table, in id order. The slice is
	// reused from one row to the next.
	Rows func(w store.World) iter.Seq[[]any]
}

// Tables lists the tables parents first, the order to fill them in; delete
// in the reverse order.
var Tables = []Table{
	{"accounts", []string{"id", "sid", "auth_token"}, accountRows},
	{"api_keys", []string{"id", "account_id", "sid", "secret"}, apiKeyRows},
	{"services", []string{"id", "account_id", "position", "sid"}, serviceRows},
	{"users", []string{"id", "service_id", "sid", "identity"}, userRows},
	{"conversations", conversationColumns, conversationRows},
	{"participants", participantColumns, participantRows},
}

var conversationColumns = []string{
	"id", "service_id", "sid", "unique_name", "friendly_name", "state", "attributes", "created_by",
	"created_s", "created_ns", "updated_s", "updated_ns",
	"inactive_s", "inactive_ns", "closed_s", "closed_ns", "message_count",
}

// participantColumns: created_s, created_ns and conversation_sid are the
// conversation's list position (store.Position), copied into the
// participation so that a user's list is one range of one index.
// Conversations change only by Load and Modify, which rewrite every table,
// so the copy cannot go stale.
var participantColumns = []string{
	"id", "conversation_id", "user_id", "sid",
	"created_s", "created_ns", "conversation_sid",
	"notification_level", "last_read_index", "last_read_s", "last_read_ns", "updated_s", "updated_ns",
}

// services calls f with each service of w and the ids of it and its account.
func services(w store.World, f func(accountID, serviceID int64, position int, s *store.Service) bool) {
	var serviceID int64
	for i := range w.Accounts {
		for j := range w.Accounts[i].Services {
			serviceID++
			if !f(int64(i+1), serviceID, j, &w.Accounts[i].Services[j]) {
				return
			}
		}
	}
}

func accountRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, 3)
		for i, a := range w.Accounts {
			row[0], row[1], row[2] = int64(i+1), a.SID, a.AuthToken
			if !yield(row) {
				return
			}
		}
	}
}

func apiKeyRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, 4)
		var id int64
		for i, a := range w.Accounts {
			for _, k := range a.APIKeys {
				id++
				row[0], row[1], row[2], row[3] = id, int64(i+1), k.SID, k.Secret
				if !yield(row) {
					return
				}
			}
		}
	}
}

func serviceRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, 4)
		services(w, func(accountID, serviceID int64, position int, s *store.Service) bool {
			row[0], row[1], row[2], row[3] = serviceID, accountID, int64(position), s.SID
			return yield(row)
		})
	}
}

func userRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, 4)
		var id int64
		services(w, func(_, serviceID int64, _ int, s *store.Service) bool {
			for _, u := range s.Users {
				id++
				row[0], row[1], row[2], row[3] = id, serviceID, u.SID, u.Identity
				if !yield(row) {
					return false
				}
			}
			return true
		})
	}
}

func conversationRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, len(conversationColumns))
		var id int64
		services(w, func(_, serviceID int64, _ int, s *store.Service) bool {
			for _, c := range s.Conversations {
				id++
				createdS, createdNS := Secs(c.DateCreated)
				updatedS, updatedNS := Secs(c.DateUpdated)
				inactiveS, inactiveNS := NullSecs(c.Timers.DateInactive)
				closedS, closedNS := NullSecs(c.Timers.DateClosed)
				row[0], row[1], row[2], row[3], row[4] = id, serviceID, c.SID, c.UniqueName, c.FriendlyName
				row[5], row[6], row[7] = c.State, c.Attributes, c.CreatedBy
				row[8], row[9], row[10], row[11] = createdS, createdNS, updatedS, updatedNS
				row[12], row[13], row[14], row[15] = inactiveS, inactiveNS, closedS, closedNS
				row[16] = int64(c.MessageCount)
				if !yield(row) {
					return false
				}
			}
			return true
		})
	}
}

func participantRows(w store.World) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		row := make([]any, len(participantColumns))
		var id, convID, usersBefore int64
		services(w, func(_, _ int64, _ int, s *store.Service) bool {
			// A valid world's participants are users of their service.
			userID := make(map[string]int64, len(s.Users))
			for i, u := range s.Users {
				userID[u.SID] = usersBefore + int64(i+1)
			}
			usersBefore += int64(len(s.Users))
			for _, c := range s.Conversations {
				convID++
				createdS, createdNS := Secs(c.DateCreated)
				for _, p := range c.Participants {
					id++
					readS, readNS := NullSecs(p.LastReadTimestamp)
					updatedS, updatedNS := Secs(p.DateUpdated)
					var readIndex *int64
					if p.LastReadMessageIndex != nil {
						readIndex = new(int64(*p.LastReadMessageIndex))
					}
					row[0], row[1], row[2], row[3] = id, convID, userID[p.UserSID], p.SID
					row[4], row[5], row[6] = createdS, createdNS, c.SID
					row[7], row[8], row[9], row[10] = p.NotificationLevel, readIndex, readS, readNS
					row[11], row[12] = updatedS, updatedNS
					if !yield(row) {
						return false
					}
				}
			}
			return true
		})
	}
}
