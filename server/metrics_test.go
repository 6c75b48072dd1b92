package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

// scrape reads /_stub/metrics with Prometheus' own text parser. No
// credential may show in it.
func scrape(t *testing.T, s *testkit.Stub) map[string]*dto.MetricFamily {
	t.Helper()
	r := s.Send(testkit.Call{Method: http.MethodGet, Path: "/_stub/metrics", NoAuth: true})
	for _, secret := range []string{testkit.TokenA, testkit.TokenB, testkit.SecretA, testkit.SecretB, "metrics-admin-token", "wrongtoken0123"} {
		if bytes.Contains(r.Body, []byte(secret)) {
			t.Fatalf("the metrics hold a credential (%q)", secret)
		}
	}
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the metrics do not parse: %v\n%s", err, r.Body)
	}
	return families
}

// value is the value of the metric of family with labels (a subset of its
// labels); 0 when there is none.
func value(families map[string]*dto.MetricFamily, family string, labels map[string]string) float64 {
	f := families[family]
	if f == nil {
		return 0
	}
	total := 0.0
	for _, m := range f.Metric {
		matched := 0
		for _, l := range m.Label {
			if want, ok := labels[l.GetName()]; ok && want == l.GetValue() {
				matched++
			}
		}
		if matched != len(labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

// The metrics parse as Prometheus' text format, and their counters move
// with the requests; the world gauges follow the state.
func TestMetricsCountRequests(t *testing.T) {
	s := testkit.NewStubWith(t, testkit.World(), func(c *server.Config) { c.AdminToken = "metrics-admin-token" })
	before := scrape(t, s)
	const requests = "conversations_stub_http_requests_total"
	fetch := map[string]string{"api": "twilio", "operation": "FetchUserConversation", "status": "200", "account": testkit.AccountA}
	list400 := map[string]string{"operation": "ListUserConversation", "status": "400"}
	if got := value(before, requests, fetch); got != 0 {
		t.Fatalf("fetches before any: %v", got)
	}
	userConversations := value(before, "conversations_stub_world_user_conversations", nil)
	if userConversations == 0 || value(before, "conversations_stub_world_accounts", nil) != float64(len(testkit.World().Accounts)) {
		t.Fatalf("world gauges: %v user conversations, %v accounts", userConversations, value(before, "conversations_stub_world_accounts", nil))
	}

	for range 3 {
		s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
	}
	s.Request(http.MethodGet, testkit.UserPath("alice")+"?PageSize=5000", nil).TwilioError(t, 400, 20001)
	s.Request(http.MethodGet, testkit.UserPath("alice"), nil, testkit.AccountA, "wrongtoken0123").TwilioError(t, 401, 20003)
	s.Request(http.MethodGet, "/v1/Nope", nil).TwilioError(t, 404, 20404)
	s.Request(http.MethodDelete, testkit.UCPath("alice", "general"), nil)
	fault := `{"operation": "FetchUserConversation", "error": {"status": 503}, "times": 1}`
	if r := s.Send(testkit.Call{Method: http.MethodPut, Path: "/_stub/faults", ContentType: "application/json", Body: strings.NewReader(fault),
		Header: testkit.AuthHeader("Bearer metrics-admin-token")}); r.Status != http.StatusCreated {
		t.Fatalf("put fault: %d %s", r.Status, r.Body)
	}
	s.Request(http.MethodGet, testkit.UCPath("bob", "general"), nil).TwilioError(t, 503, 20503)

	after := scrape(t, s)
	for _, tt := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{requests, fetch, 3},
		{requests, list400, 1},
		{requests, map[string]string{"status": "401", "account": "none"}, 1},
		{requests, map[string]string{"operation": "unknown_route", "status": "404"}, 1},
		{requests, map[string]string{"operation": "DeleteUserConversation", "status": "204"}, 1},
		{requests, map[string]string{"api": "admin", "operation": "PutFault", "status": "201", "account": "none"}, 1},
		{"conversations_stub_http_request_duration_seconds", map[string]string{"operation": "FetchUserConversation"}, 4},
		{"conversations_stub_validation_failures_total", map[string]string{"operation": "ListUserConversation", "reason": "query"}, 1},
		{"conversations_stub_faults_injected_total", map[string]string{"operation": "FetchUserConversation", "action": "error"}, 1},
		{"conversations_stub_world_user_conversations", nil, userConversations - 1},
	} {
		if got := value(after, tt.family, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.family, tt.labels, got, tt.want)
		}
	}
	if after["go_goroutines"] == nil || after["process_cpu_seconds_total"] == nil {
		t.Error("no Go runtime or process metrics")
	}
}

// The metrics are open, like the health check, even with the admin API off.
func TestMetricsAreOpen(t *testing.T) {
	s := testkit.NewStub(t)
	s.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
	families := scrape(t, s)
	if got := value(families, "conversations_stub_http_requests_total", map[string]string{"operation": "FetchUserConversation"}); got != 1 {
		t.Fatalf("fetches counted with the admin API off: %v", got)
	}
}

// Stubs in one process count apart: each has its own registry.
func TestMetricsArePerServer(t *testing.T) {
	a, b := testkit.NewStub(t), testkit.NewStub(t)
	a.Request(http.MethodGet, testkit.UCPath("alice", "general"), nil).UserConversation(t)
	if got := value(scrape(t, b), "conversations_stub_http_requests_total", map[string]string{"api": "twilio"}); got != 0 {
		t.Fatalf("another stub's requests counted: %v", got)
	}
}
