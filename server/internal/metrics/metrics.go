// Package metrics counts what the stub serves, for GET /_stub/metrics in
// Prometheus' text format: requests by operation, status and account,
// their latency, validation failures, faults injected, contract violations
// (proxy mode), and the size of the world.
//
// Every Metrics has a registry of its own (never Prometheus' global one),
// so that stubs in one process (a test binary's) count apart. Every label
// is bounded: operations come from the route tables, statuses are HTTP
// statuses, and accounts are those the requests authenticated as, at most
// MaxAccounts of them, the rest folded into "other".
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Namespace starts the name of every metric of the stub's own.
const Namespace = "conversations_stub"

// MaxAccounts is how many accounts get a label value of their own; the
// requests of any further account count as "other".
const MaxAccounts = 100

// Label values for what has no operation or account.
const (
	UnknownRoute     = "unknown_route"      // a path the spec does not have
	MethodNotAllowed = "method_not_allowed" // a path of the spec, another method
	NoAccount        = "none"               // not (yet) authenticated
	OtherAccount     = "other"              // past MaxAccounts
)

// latencyBuckets reach from well under a millisecond (a fetch) to the
// minute a fault may delay an answer.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// Metrics holds one stub's metrics. It is safe for concurrent use.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	validations *prometheus.CounterVec
	faults      *prometheus.CounterVec
	violations  *prometheus.CounterVec

	accounts     sync.Map // account SID -> its label value
	accountsMu   sync.Mutex
	accountCount int // guarded by accountsMu
}

// New returns a Metrics whose world-size gauges read st, if st is a
// store.Sizer.
func New(st store.Store) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "http_requests_total",
			Help: "Requests answered, by API, operation, HTTP status (0: no answer) and account.",
		}, []string{"api", "operation", "status", "account"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer a request, by API and operation.",
			Buckets: latencyBuckets,
		}, []string{"api", "operation"}),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "validation_failures_total",
			Help: "Requests refused by request validation, by API, operation and where the spec was broken (path, query, header, body).",
		}, []string{"api", "operation", "reason"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "faults_injected_total",
			Help: "Faults applied to Twilio API requests, by operation and action (error, drop, delay).",
		}, []string{"operation", "action"}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "contract_violations_total",
			Help: "Proxy mode: places where a request or an upstream answer broke the spec, by operation, direction (request, response) and rule (a schema keyword, or status, content_type, json, invalid).",
		}, []string{"operation", "direction", "rule"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.validations, m.faults, m.violations,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sizer, ok := st.(store.Sizer); ok {
		m.registry.MustRegister(worldCollector{sizer})
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		// The text format, uncompressed: what curl shows and the spec says.
		DisableCompression: true,
	})
}

// Registry is the registry the metrics are in, for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Count is the step that counts every request of an API and times it. It
// goes outside the request log and the recovery, which render errors, so
// that the status it counts is the one sent. account returns the account a
// request authenticated as ("" if none).
func (m *Metrics) Count(api string, account func(echo.Context) string) routes.Step {
	return func(route *routes.Route) echo.MiddlewareFunc {
		operation := OperationLabel(route)
		// Resolved once per route: the request path pays no lookup for it.
		latency := m.latency.WithLabelValues(api, operation)
		// The route's counters by status and account, so that a request
		// costs one map read rather than the label hashing and locking of
		// CounterVec.WithLabelValues.
		var counters sync.Map // counterKey -> prometheus.Counter
		return func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				start := time.Now()
				err := next(c)
				latency.Observe(time.Since(start).Seconds())
				key := counterKey{c.Response().Status, m.accountLabel(account(c))}
				counter, ok := counters.Load(key)
				if !ok {
					counter, _ = counters.LoadOrStore(key, m.requests.WithLabelValues(api, operation, statusLabel(key.status), key.account))
				}
				counter.(prometheus.Counter).Inc()
				return err
			}
		}
	}
}

// counterKey picks one of a route's request counters: a status and an
// account label (not the SID, so that the cache is as bounded as the
// labels).
type counterKey struct {
	status  int
	account string
}

// ValidationFailed counts a request refused by request validation.
func (m *Metrics) ValidationFailed(api string, route *routes.Route, reason string) {
	m.validations.WithLabelValues(api, OperationLabel(route), reason).Inc()
}

// FaultInjected counts a fault applied to operation.
func (m *Metrics) FaultInjected(operation, action string) {
	m.faults.WithLabelValues(operation, action).Inc()
}

// ContractViolation counts one place where a request or an upstream answer
// broke the spec (proxy mode). The rules are bounded: schema keywords and
// the few of package validation.
func (m *Metrics) ContractViolation(operation, direction, rule string) {
	m.violations.WithLabelValues(operation, direction, rule).Inc()
}

// OperationLabel is the operation label of route.
func OperationLabel(route *routes.Route) string {
	switch {
	case route == nil:
		return UnknownRoute
	case route.NotAllowed():
		return MethodNotAllowed
	}
	return route.OperationID
}

// statusLabels spares the request path a strconv.Itoa per request.
var statusLabels = func() []string {
	labels := make([]string, 600)
	for i := range labels {
		labels[i] = strconv.Itoa(i)
	}
	return labels
}()

func statusLabel(status int) string {
	if status >= 0 && status < len(statusLabels) {
		return statusLabels[status]
	}
	return strconv.Itoa(status)
}

// accountLabel is sid's label value: sid itself for the first MaxAccounts
// accounts seen, "other" after them.
func (m *Metrics) accountLabel(sid string) string {
	if sid == "" {
		return NoAccount
	}
	if label, ok := m.accounts.Load(sid); ok {
		return label.(string)
	}
	m.accountsMu.Lock()
	defer m.accountsMu.Unlock()
	if label, ok := m.accounts.Load(sid); ok {
		return label.(string)
	}
	label := OtherAccount
	if m.accountCount < MaxAccounts {
		label = sid
		m.accountCount++
	}
	m.accounts.Store(sid, label)
	return label
}

// worldCollector reads the world's sizes at each scrape.
type worldCollector struct{ sizer store.Sizer }

var worldGauges = [...]*prometheus.Desc{
	prometheus.NewDesc(Namespace+"_world_accounts", "Accounts in the current state.", nil, nil),
	prometheus.NewDesc(Namespace+"_world_users", "Users in the current state, across services.", nil, nil),
	prometheus.NewDesc(Namespace+"_world_conversations", "Conversations in the current state, across services.", nil, nil),
	prometheus.NewDesc(Namespace+"_world_user_conversations", "User conversations (participations) in the current state.", nil, nil),
}

func (w worldCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range worldGauges {
		ch <- d
	}
}

func (w worldCollector) Collect(ch chan<- prometheus.Metric) {
	sizes, err := w.sizer.Sizes(context.Background())
	if err != nil {
		for _, d := range worldGauges {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	for i, n := range [...]int{sizes.Accounts, sizes.Users, sizes.Conversations, sizes.UserConversations} {
		ch <- prometheus.MustNewConstMetric(worldGauges[i], prometheus.GaugeValue, float64(n))
	}
}
