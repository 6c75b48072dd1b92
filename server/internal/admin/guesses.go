package admin

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/twilio-stubs/userconversations/server/internal/twilioerr"
)

// Failed admin authentications are slowed per client (its address), so
// that guessing the token is slow, while the right token is never refused:
// it is checked before the client's failures are counted.
const (
	// GuessBurst failures are answered 401 at once; after that, one more
	// per GuessInterval, and the others 429 with Retry-After.
	GuessBurst    = 10
	GuessInterval = time.Second
	// maxGuessers bounds the clients whose failures are remembered.
	maxGuessers = 4096
)

// guessLimiter remembers failed authentications per client.
type guessLimiter struct {
	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

func newGuessLimiter() *guessLimiter {
	return &guessLimiter{clients: make(map[string]*rate.Limiter)}
}

// failed counts a failed authentication of req's client, and returns the
// error to answer: 401, or 429 once the client has failed too often.
func (g *guessLimiter) failed(req *http.Request) *Error {
	client, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		client = req.RemoteAddr
	}
	g.mu.Lock()
	limiter := g.clients[client]
	if limiter == nil {
		if len(g.clients) >= maxGuessers {
			g.forgetIdle()
		}
		limiter = rate.NewLimiter(rate.Every(GuessInterval), GuessBurst)
		g.clients[client] = limiter
	}
	g.mu.Unlock()
	reservation := limiter.Reserve()
	if delay := reservation.Delay(); delay > 0 {
		reservation.Cancel() // a refused guess does not count against later ones
		e := newError(http.StatusTooManyRequests, "Too many failed admin authentications from this client: retry later")
		e.Code = twilioerr.CodeTooManyRequests
		e.Header = http.Header{"Retry-After": {strconv.Itoa(int(math.Ceil(delay.Seconds())))}}
		return e
	}
	return errUnauthorized()
}

// forgetIdle drops the clients with no failure left to count, or, if
// every one is still counted, one of them: the memory stays bounded.
func (g *guessLimiter) forgetIdle() {
	for client, l := range g.clients {
		if l.Tokens() >= GuessBurst {
			delete(g.clients, client)
		}
	}
	for client := range g.clients {
		if len(g.clients) < maxGuessers {
			break
		}
		delete(g.clients, client)
	}
}
