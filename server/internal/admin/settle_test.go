package admin

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// answer is a request whose answer has started: tracked, then answering.
func answer(u *unrecorded) echo.Context {
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/v1/x", nil), httptest.NewRecorder())
	u.track(c)
	u.answering(c)
	return c
}

// settled runs settle and returns a channel closed when it returns.
func settled(u *unrecorded) <-chan struct{} {
	done := make(chan struct{})
	go func() { u.settle(); close(done) }()
	return done
}

func TestSettleWaitsForAnswersStartedBefore(t *testing.T) {
	u := newUnrecorded()
	select {
	case <-settled(u):
	case <-time.After(maxSettle / 2):
		t.Fatal("settle waited with nothing to record")
	}

	first, second := answer(u), answer(u)
	done := settled(u)
	waiting(t, u)
	later := answer(u) // started after the read: not waited for
	u.recorded(first)
	select {
	case <-done:
		t.Fatal("settle returned before every earlier answer was recorded")
	case <-time.After(20 * time.Millisecond):
	}
	u.recorded(second)
	select {
	case <-done:
	case <-time.After(maxSettle / 2):
		t.Fatal("settle did not return once the earlier answers were recorded")
	}
	u.recorded(later)
	if len(u.pending) != 0 || u.changed != nil {
		t.Errorf("left behind: %d pending, changed %v", len(u.pending), u.changed)
	}
}

// An answer never recorded (a bug elsewhere) holds a reader maxSettle at
// most.
func TestSettleGivesUp(t *testing.T) {
	u := newUnrecorded()
	answer(u)
	start := time.Now()
	<-settled(u)
	if waited := time.Since(start); waited < maxSettle || waited > 3*maxSettle {
		t.Errorf("waited %v, want about %v", waited, maxSettle)
	}
}

// waiting returns once a settle is waiting on u.
func waiting(t *testing.T, u *unrecorded) {
	t.Helper()
	for deadline := time.Now().Add(maxSettle / 2); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		u.mu.Lock()
		w := u.changed != nil
		u.mu.Unlock()
		if w {
			return
		}
	}
	t.Fatal("settle is not waiting")
}
