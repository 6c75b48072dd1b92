package sqlworld

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/twilio-stubs/userconversations/server/store"
)

// A query resolves its user and conversation by SID or by name, and its
// service by SID or as the account's default, so each query comes in
// variants, written once here when the package starts: a store sends the
// same few texts over and over, which the drivers prepare once.

// lookup says how a request addresses its service, user and conversation.
type lookup struct {
	namedService bool // scope.Service is set; else the account's first
	userBySID    bool // the user reference is a SID; else an identity
	convBySID    bool // the conversation reference is a SID; else a unique_name
}

func lookupOf(scope store.Scope, user, conversation string) lookup {
	return lookup{
		namedService: scope.Service != "",
		userBySID:    store.IsSID(user, "US"),
		convBySID:    store.IsSID(conversation, "CH"),
	}
}

func (l lookup) index() int {
	i := 0
	for _, b := range []bool{l.namedService, l.userBySID, l.convBySID} {
		i <<= 1
		if b {
			i |= 1
		}
	}
	return i
}

// userArgs are the parameters resolveUser numbers $1, ...: the account,
// the service if named, the user.
func userArgs(scope store.Scope, user string) []any {
	if scope.Service != "" {
		return []any{scope.Account, scope.Service, user}
	}
	return []any{scope.Account, user}
}

// resolveUser is the common table expression usr: the user the request
// addresses in its scope, with its service's and account's SIDs. It uses
// parameters $1 to $n and returns n.
func resolveUser(l lookup) (cte string, n int) {
	service := "s.position = 0"
	if l.namedService {
		service, n = "s.sid = $2", 1
	}
	userCol := "identity"
	if l.userBySID {
		userCol = "sid"
	}
	n += 2
	return fmt.Sprintf(`usr AS (
	SELECT u.id, u.sid, u.service_id, s.sid AS service_sid, a.sid AS account_sid
	FROM accounts a
	JOIN services s ON s.account_id = a.id
	JOIN users u ON u.service_id = s.id
	WHERE a.sid = $1 AND %s AND u.%s = $%d
)`, service, userCol, n), n
}

// participation joins usr to the conversation the request addresses, named
// by parameter $conv, and the user's participation in it.
func participation(l lookup, conv int) string {
	convCol := "unique_name"
	if l.convBySID {
		convCol = "sid"
	}
	return fmt.Sprintf(`usr
	JOIN conversations c ON c.service_id = usr.service_id AND c.%s = $%d
	JOIN participants p ON p.conversation_id = c.id AND p.user_id = usr.id`, convCol, conv)
}

// viewColumn is a column of a user conversation as the queries select it,
// and a stand-in of the same type for rows that carry no item.
type viewColumn struct{ expr, none string }

var viewColumns = []viewColumn{
	{"usr.account_sid", "usr.account_sid"},
	{"usr.service_sid", "usr.service_sid"},
	{"usr.sid", "usr.sid"},
	{"c.sid", "''"},
	{"p.sid", "''"},
	{"c.friendly_name", "CAST(NULL AS TEXT)"},
	{"c.unique_name", "CAST(NULL AS TEXT)"},
	{"c.created_by", "CAST(NULL AS TEXT)"},
	{"c.attributes", "''"},
	{"c.state", "''"},
	{"c.inactive_s", "CAST(NULL AS BIGINT)"},
	{"c.inactive_ns", "CAST(NULL AS BIGINT)"},
	{"c.closed_s", "CAST(NULL AS BIGINT)"},
	{"c.closed_ns", "CAST(NULL AS BIGINT)"},
	{"c.created_s", "0"},
	{"c.created_ns", "0"},
	{"c.updated_s", "0"},
	{"c.updated_ns", "0"},
	{"c.message_count", "0"},
	{"p.notification_level", "''"},
	{"p.last_read_index", "CAST(NULL AS BIGINT)"},
	{"p.last_read_s", "CAST(NULL AS BIGINT)"},
	{"p.last_read_ns", "CAST(NULL AS BIGINT)"},
	{"p.updated_s", "0"},
	{"p.updated_ns", "0"},
}

func columns(none bool) string {
	out := make([]string, len(viewColumns))
	for i, c := range viewColumns {
		out[i] = c.expr
		if none {
			out[i] = c.none
		}
	}
	return strings.Join(out, ", ")
}

// queryTexts are the texts of the queries, built once, when a SQL store
// first runs one: a stub on the memory store never builds them.
type queryTexts struct {
	// The per-participation queries, by lookup.index().
	fetch, update, remove [8]string
	// The list queries by listMode, then lookup.index() (the conversation
	// part of the lookup aside), each cut in two where its LIMIT goes:
	// listText puts it there.
	list [listModes][8][2]string
}

var queries = sync.OnceValue(func() *queryTexts {
	q := new(queryTexts)
	q.buildParticipation()
	q.buildList()
	return q
})

func (q *queryTexts) buildParticipation() {
	fetchSQL, updateSQL, removeSQL := &q.fetch, &q.update, &q.remove
	for i := range 8 {
		l := lookup{namedService: i&4 != 0, userBySID: i&2 != 0, convBySID: i&1 != 0}
		usr, n := resolveUser(l)
		fetchSQL[i] = fmt.Sprintf("WITH %s\nSELECT %s\nFROM %s", usr, columns(false), participation(l, n+1))
		updateSQL[i] = fmt.Sprintf(`WITH %[1]s
UPDATE participants SET
	notification_level = CASE WHEN $%[3]d THEN $%[4]d ELSE notification_level END,
	last_read_s = CASE WHEN $%[5]d THEN $%[6]d ELSE last_read_s END,
	last_read_ns = CASE WHEN $%[5]d THEN $%[7]d ELSE last_read_ns END,
	last_read_index = CASE WHEN $%[8]d THEN $%[9]d ELSE last_read_index END,
	updated_s = $%[10]d, updated_ns = $%[11]d
WHERE id = (SELECT p.id FROM %[2]s)`, usr, participation(l, n+1), n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
		removeSQL[i] = fmt.Sprintf("WITH %s\nDELETE FROM participants WHERE id = (SELECT p.id FROM %s)", usr, participation(l, n+1))
	}
}

// limitHere marks where a list query's LIMIT goes.
const limitHere = "<limit>"

// listMode is how a list query selects its page.
type listMode int

const (
	listFirst  listMode = iota // from the start
	listOffset                 // Offset > 0 items in
	listAfter                  // after a position
	listBefore                 // before a position
	listModes
)

// listText is the list query for mode and lookup, with its page's LIMIT
// written out rather than a parameter. PostgreSQL plans a statement run
// often once, for any parameters; for a LIMIT it does not know, that
// generic plan joins the user's whole list to its conversations (a hash
// join over every conversation), where for a known few rows it joins each
// row by its index. A text per page size keeps the plan right; clients use
// few page sizes.
func listText(mode listMode, l lookup, limit int) string {
	parts := &queries().list[mode][l.index()]
	return parts[0] + strconv.Itoa(limit) + parts[1]
}

// Each list query returns, in one statement and so from one snapshot:
// the page's items (side 0, the page size + 1 of them, to tell whether
// more follow); a row for the user (side 2), there even when the page is empty,
// so that an unknown user is told from an empty list; and a row (side 1)
// only if items lie beyond the page's other end: before it for listOffset
// and listAfter, after it for listBefore. The position is $k, $k+1, $k+2
// (seconds, nanoseconds, conversation SID); positions compare as row
// values on the index participants_by_list_position. The page is limited
// before it is joined to its conversations, and its user is a scalar
// subquery: both planners then walk that index in order from the page's
// start and stop after the page, rather than sort the user's whole list.
func (qt *queryTexts) buildList() {
	listSQL := &qt.list
	const position = "(p.created_s, p.created_ns, p.conversation_sid)"
	for mode := range listModes {
		for i := range 8 {
			l := lookup{namedService: i&4 != 0, userBySID: i&2 != 0}
			usr, n := resolveUser(l)
			var where, beyond, order, offset string
			switch mode {
			case listOffset:
				offset = fmt.Sprintf(" OFFSET $%d", n+1)
				beyond = "TRUE"
			case listAfter:
				where = fmt.Sprintf(" AND %s > ($%d, $%d, $%d)", position, n+1, n+2, n+3)
				beyond = fmt.Sprintf("%s <= ($%d, $%d, $%d)", position, n+1, n+2, n+3)
			case listBefore:
				where = fmt.Sprintf(" AND %s < ($%d, $%d, $%d)", position, n+1, n+2, n+3)
				beyond = fmt.Sprintf("%s >= ($%d, $%d, $%d)", position, n+1, n+2, n+3)
				order = " DESC"
			}
			q := fmt.Sprintf(`WITH %[1]s
SELECT 0 AS side, %[2]s
FROM usr
CROSS JOIN (
	SELECT * FROM participants p
	WHERE p.user_id = (SELECT id FROM usr)%[3]s
	ORDER BY p.created_s%[4]s, p.created_ns%[4]s, p.conversation_sid%[4]s
	LIMIT %[5]s%[6]s
) AS p
JOIN conversations c ON c.id = p.conversation_id
UNION ALL
SELECT 2, %[7]s FROM usr`, usr, columns(false), where, order, limitHere, offset, columns(true))
			if beyond != "" {
				q += fmt.Sprintf(`
UNION ALL
SELECT 1, %s FROM usr
WHERE EXISTS (SELECT 1 FROM participants p WHERE p.user_id = usr.id AND %s)`, columns(true), beyond)
			}
			before, after, _ := strings.Cut(q, limitHere)
			listSQL[mode][i] = [2]string{before, after}
		}
	}
}
