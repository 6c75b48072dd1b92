package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/gen/conversationsserver"

	"github.com/labstack/echo/v4"
	twilio "github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	twconversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

const (
	testAccountSID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testAuthToken  = "0123456789abcdef0123456789abcdef"
	testUserSID    = "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testConvSID    = "CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

// recordingServer implements the generated echo ServerInterface, records the
// update requests it receives and answers with the documentation's example.
// Operations the tests do not call are left to the nil embedded interface.
type recordingServer struct {
	conversationsserver.ServerInterface
	example []byte

	mu       sync.Mutex
	requests []recordedRequest
}

type recordedRequest struct {
	method, path, contentType, body string
}

func (s *recordingServer) UpdateUserConversation(ctx echo.Context, userSid, conversationSid string) error {
	body, err := io.ReadAll(ctx.Request().Body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.requests = append(s.requests, recordedRequest{
		method:      ctx.Request().Method,
		path:        "/v1/Users/" + userSid + "/Conversations/" + conversationSid,
		contentType: ctx.Request().Header.Get(echo.HeaderContentType),
		body:        string(body),
	})
	s.mu.Unlock()
	return ctx.JSONBlob(http.StatusOK, s.example)
}

func (s *recordingServer) last(t *testing.T) recordedRequest {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		t.Fatal("no request reached the server")
	}
	return s.requests[len(s.requests)-1]
}

func startRecordingServer(t *testing.T) (*recordingServer, *httptest.Server) {
	t.Helper()
	example, err := os.ReadFile(filepath.Join("testdata", "seed-examples", "reference-fetch.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingServer{example: example}
	e := echo.New()
	conversationsserver.RegisterHandlers(e, rec)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return rec, srv
}

func newTwilioGo(t *testing.T, srv *httptest.Server) *twilio.RestClient {
	target, _ := url.Parse(srv.URL)
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(testAccountSID, testAuthToken),
		HTTPClient:  &http.Client{Transport: &stubtest.Redirect{Target: target}},
	}
	c.SetAccountSid(testAccountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

func newGeneratedClient(t *testing.T, srv *httptest.Server) *conversations.ClientWithResponses {
	t.Helper()
	c, err := conversations.NewClientWithResponses(srv.URL,
		conversations.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.SetBasicAuth(testAccountSID, testAuthToken)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGeneratedClientUpdateMatchesTwilioGo(t *testing.T) {
	rec, srv := startRecordingServer(t)
	generated := newGeneratedClient(t, srv)
	official := newTwilioGo(t, srv)
	readAt := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("", 2*60*60))

	tests := []struct {
		name     string
		body     conversations.UpdateUserConversationRequest
		official *twconversations.UpdateUserConversationParams
	}{
		{
			name: "all three fields",
			body: conversations.UpdateUserConversationRequest{
				NotificationLevel:    new(conversations.NotificationLevelMuted),
				LastReadTimestamp:    new(readAt.Format(time.RFC3339)),
				LastReadMessageIndex: new("7"),
			},
			official: new(twconversations.UpdateUserConversationParams).
				SetNotificationLevel("muted").SetLastReadTimestamp(readAt).SetLastReadMessageIndex(7),
		},
		{
			name:     "notification level only",
			body:     conversations.UpdateUserConversationRequest{NotificationLevel: new(conversations.NotificationLevelDefault)},
			official: new(twconversations.UpdateUserConversationParams).SetNotificationLevel("default"),
		},
		{
			name:     "read index zero",
			body:     conversations.UpdateUserConversationRequest{LastReadMessageIndex: new("0")},
			official: new(twconversations.UpdateUserConversationParams).SetLastReadMessageIndex(0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := official.ConversationsV1.UpdateUserConversation(testUserSID, testConvSID, tt.official); err != nil {
				t.Fatalf("twilio-go update: %v", err)
			}
			want := rec.last(t)

			resp, err := generated.UpdateUserConversationWithFormdataBodyWithResponse(context.Background(), testUserSID, testConvSID, tt.body)
			if err != nil {
				t.Fatalf("generated client update: %v", err)
			}
			got := rec.last(t)
			if got != want {
				t.Fatalf("generated client sent\n  %+v\ntwilio-go sent\n  %+v", got, want)
			}
			if resp.JSON200 == nil || resp.JSON200.LastReadMessageIndex == nil || *resp.JSON200.LastReadMessageIndex != 100 {
				t.Fatalf("response not decoded into UserConversation: %+v", resp.JSON200)
			}
		})
	}
	// The expected wire form, spelled out once so a change in both libraries
	// at the same time is still seen.
	if _, err := generated.UpdateUserConversationWithFormdataBodyWithResponse(context.Background(), testUserSID, testConvSID, tests[0].body); err != nil {
		t.Fatal(err)
	}
	const wantBody = "LastReadMessageIndex=7&LastReadTimestamp=2024-05-06T07%3A08%3A09%2B02%3A00&NotificationLevel=muted"
	if got := rec.last(t); got.body != wantBody || got.contentType != "application/x-www-form-urlencoded" {
		t.Fatalf("sent %q (%s), want %q", got.body, got.contentType, wantBody)
	}
}

func TestGeneratedClientClearsReadIndex(t *testing.T) {
	rec, srv := startRecordingServer(t)
	generated := newGeneratedClient(t, srv)
	body := conversations.UpdateUserConversationRequest{LastReadMessageIndex: new("")}
	if _, err := generated.UpdateUserConversationWithFormdataBodyWithResponse(context.Background(), testUserSID, testConvSID, body); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).body; got != "LastReadMessageIndex=" {
		t.Fatalf("clearing the read index sent %q, want %q", got, "LastReadMessageIndex=")
	}
	// Leaving the field out sends nothing for it.
	if _, err := generated.UpdateUserConversationWithFormdataBodyWithResponse(context.Background(), testUserSID, testConvSID,
		conversations.UpdateUserConversationRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).body; got != "" {
		t.Fatalf("an empty update sent %q, want an empty body", got)
	}
}
