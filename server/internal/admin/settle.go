package admin

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// maxSettle bounds how long a journal read waits for answers being sent to
// be recorded: far longer than writing an answer takes, far shorter than a
// test's patience.
const maxSettle = time.Second

// unrecorded keeps track of the answers on their way out that the journal
// has yet to record. A client may have its whole answer (or see its
// connection dropped) a moment before the stub records the request; a
// journal read waits for those, so a test that reads the journal right
// after its call returned finds the call there.
type unrecorded struct {
	mu      sync.Mutex
	next    int64
	pending map[int64]struct{}
	// changed, made by a waiting settle, is closed (and dropped) when an
	// answer is recorded: settle waits on it rather than polling, and a
	// stub nobody waits on makes none.
	changed chan struct{}
}

func newUnrecorded() *unrecorded { return &unrecorded{pending: make(map[int64]struct{})} }

// ticketKey holds a request's *int64 ticket: 0 until its answer starts.
const ticketKey = "admin/ticket"

// track gives c's request a ticket once its answer starts to be written.
func (u *unrecorded) track(c echo.Context) {
	ticket := new(int64)
	c.Set(ticketKey, ticket)
	c.Response().Before(func() { u.answering(c) })
}

// answering marks c's answer as on its way: written, or its connection
// about to be closed.
func (u *unrecorded) answering(c echo.Context) {
	ticket, _ := c.Get(ticketKey).(*int64)
	if ticket == nil || *ticket != 0 {
		return
	}
	u.mu.Lock()
	u.next++
	*ticket = u.next
	u.pending[*ticket] = struct{}{}
	u.mu.Unlock()
}

// recorded marks c's request as in the journal.
func (u *unrecorded) recorded(c echo.Context) {
	ticket, _ := c.Get(ticketKey).(*int64)
	if ticket == nil || *ticket == 0 {
		return
	}
	u.mu.Lock()
	delete(u.pending, *ticket)
	if u.changed != nil {
		close(u.changed)
		u.changed = nil
	}
	u.mu.Unlock()
}

// settle waits until every answer that started before the call is
// recorded, for at most maxSettle. Answers that start later are not waited
// for, so a busy stub does not hold a reader.
func (u *unrecorded) settle() {
	deadline := time.NewTimer(maxSettle)
	defer deadline.Stop()
	u.mu.Lock()
	upTo := u.next
	for u.anyUpTo(upTo) {
		if u.changed == nil {
			u.changed = make(chan struct{})
		}
		changed := u.changed
		u.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return
		}
		u.mu.Lock()
	}
	u.mu.Unlock()
}

// anyUpTo reports whether an answer with this ticket or an earlier one is
// yet to be recorded; u.mu is held.
func (u *unrecorded) anyUpTo(ticket int64) bool {
	for t := range u.pending {
		if t <= ticket {
			return true
		}
	}
	return false
}
