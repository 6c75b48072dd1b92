package client

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestErrorAnswers(t *testing.T) {
	notFoundMsg := "The requested resource /Users/alice/Conversations/CH1 was not found"
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   Error
		// wantInMessage is checked instead of an exact Message when set.
		wantInMessage string
		notFound      bool
		unauthorized  bool
		rateLimited   bool
	}{
		{
			name:     "Twilio 404",
			answer:   func(w http.ResponseWriter) { writeTwilioError(w, 404, 20404, notFoundMsg) },
			want:     Error{Status: 404, Code: 20404, Message: notFoundMsg, MoreInfo: "https://www.twilio.com/docs/errors/20404"},
			notFound: true,
		},
		{
			name: "Twilio 401 with detail",
			answer: func(w http.ResponseWriter) {
				writeJSON(w, 401, map[string]any{
					"code": 20003, "message": "Authenticate", "status": 401,
					"more_info": "https://www.twilio.com/docs/errors/20003",
					"detail":    "Your AccountSid or AuthToken was incorrect.",
				})
			},
			want: Error{Status: 401, Code: 20003, Message: "Authenticate",
				MoreInfo: "https://www.twilio.com/docs/errors/20003", Detail: "Your AccountSid or AuthToken was incorrect."},
			unauthorized: true,
		},
		{
			name:        "Twilio 429",
			answer:      func(w http.ResponseWriter) { writeTwilioError(w, 429, 20429, "Too Many Requests") },
			want:        Error{Status: 429, Code: 20429, Message: "Too Many Requests", MoreInfo: "https://www.twilio.com/docs/errors/20429"},
			rateLimited: true,
		},
		{
			name: "HTML 502 from a proxy",
			answer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
			},
			want:          Error{Status: 502},
			wantInMessage: `Bad Gateway: body "<html><body>502 Bad Gateway`,
		},
		{
			name:          "empty 500",
			answer:        func(w http.ResponseWriter) { w.WriteHeader(500) },
			want:          Error{Status: 500},
			wantInMessage: "Internal Server Error (empty body)",
		},
		{
			name: "truncated JSON 404",
			answer: func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(404)
				_, _ = w.Write([]byte(`{"code": 20404, "mess`))
			},
			want:          Error{Status: 404},
			wantInMessage: `Not Found: body "{\"code\": 20404, \"mess"`,
			notFound:      true,
		},
		{
			name: "long body is cut",
			answer: func(w http.ResponseWriter) {
				w.WriteHeader(503)
				_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
			},
			want:          Error{Status: 503},
			wantInMessage: `Service Unavailable: body "` + strings.Repeat("x", maxBodyExcerpt) + `"...`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { tt.answer(w) })
			c, _ := newTestClient(t, srv.URL, WithoutRetries())

			_, err := c.User("alice").Fetch(t.Context(), "CH1")

			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			got := *e
			if tt.wantInMessage != "" {
				if !strings.Contains(got.Message, tt.wantInMessage) {
					t.Errorf("Message %q, want it to contain %q", got.Message, tt.wantInMessage)
				}
				got.Message = ""
			}
			if got != tt.want {
				t.Errorf("error %+v, want %+v", got, tt.want)
			}
			if IsNotFound(err) != tt.notFound || IsUnauthorized(err) != tt.unauthorized || IsRateLimited(err) != tt.rateLimited {
				t.Errorf("IsNotFound %v, IsUnauthorized %v, IsRateLimited %v; want %v, %v, %v",
					IsNotFound(err), IsUnauthorized(err), IsRateLimited(err), tt.notFound, tt.unauthorized, tt.rateLimited)
			}
			if StatusCode(err) != tt.want.Status {
				t.Errorf("StatusCode %d, want %d", StatusCode(err), tt.want.Status)
			}
		})
	}
}

func TestErrorsOnEveryCall(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeTwilioError(w, 404, 20404, "not found")
	})
	c, _ := newTestClient(t, srv.URL)
	u := c.Service(testService).User("alice")

	_, fetchErr := u.Fetch(t.Context(), "CH1")
	_, updateErr := u.Update(t.Context(), "CH1", UpdateParams{LastReadMessageIndex: ClearReadIndex()})
	removeErr := u.Remove(t.Context(), "CH1")
	_, _, pageErr := u.Page(t.Context(), PageParams{})
	var listErr error
	for _, err := range u.List(t.Context(), ListParams{}) {
		listErr = err
	}
	for name, err := range map[string]error{"fetch": fetchErr, "update": updateErr, "remove": removeErr, "page": pageErr, "list": listErr} {
		if !IsNotFound(err) {
			t.Errorf("%s: error %v, want a 404 *Error", name, err)
		}
	}
}

func TestUnexpectedSuccessBody(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("hello"))
	})
	c, _ := newTestClient(t, srv.URL)
	_, err := c.User("alice").Fetch(t.Context(), "CH1")
	if err == nil || StatusCode(err) != 0 || !strings.Contains(err.Error(), `Content-Type "text/plain"`) {
		t.Errorf("error %v, want a plain error naming the Content-Type", err)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{
			Error{Status: 404, Code: 20404, Message: "not found", MoreInfo: "https://www.twilio.com/docs/errors/20404"},
			"twilio: HTTP 404, error 20404: not found (more info: https://www.twilio.com/docs/errors/20404)",
		},
		{
			Error{Status: 401, Code: 20003, Message: "Authenticate", Detail: "Your AccountSid or AuthToken was incorrect."},
			"twilio: HTTP 401, error 20003: Authenticate: Your AccountSid or AuthToken was incorrect.",
		},
		{
			Error{Status: 502, Message: "Bad Gateway (empty body)"},
			"twilio: HTTP 502: Bad Gateway (empty body)",
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestHelpersOnOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("dial tcp: connection refused")} {
		if StatusCode(err) != 0 || IsNotFound(err) || IsUnauthorized(err) || IsRateLimited(err) {
			t.Errorf("helpers claim %v is an answer", err)
		}
	}
}
