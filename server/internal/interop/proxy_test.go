package interop_test

import (
	"context"
	"testing"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// proxyAdminToken opens the admin API of the proxies these tests start.
const proxyAdminToken = "interop-proxy-admin-token"

// interopTargets are where each library's scenario runs: a stub seeded
// with the interop world, and a stub in proxy mode in front of another
// such stub. The proxy's own world is the interop world too, only so that
// its Client and HTTPClient carry the same credentials; the upstream
// answers.
var interopTargets = []struct {
	name  string
	start func(t *testing.T) *stubtest.Stub
}{
	{"direct", func(t *testing.T) *stubtest.Stub {
		return stubtest.New(t, stubtest.WithStoreWorld(interopWorld()))
	}},
	{"through a proxy", func(t *testing.T) *stubtest.Stub {
		upstream := stubtest.New(t, stubtest.WithStoreWorld(interopWorld()))
		proxy := stubtest.New(t, stubtest.WithStoreWorld(interopWorld()), stubtest.WithAdminToken(proxyAdminToken),
			stubtest.WithConfig(func(c *server.Config) { c.Upstream = upstream.URL }))
		t.Cleanup(func() { noViolations(t, proxy) })
		return proxy
	}},
}

// noViolations fails t if the proxy saw the library or the upstream break
// the spec.
func noViolations(t *testing.T, proxy *stubtest.Stub) {
	t.Helper()
	resp, err := proxy.Admin().ListViolationsWithResponse(context.Background(), nil)
	switch {
	case err != nil:
		t.Errorf("listing the violations: %v", err)
	case resp.JSON200 == nil:
		t.Errorf("listing the violations: %d %s", resp.StatusCode(), resp.Body)
	case len(resp.JSON200.Violations) > 0:
		t.Errorf("the proxy saw the contract broken: %+v", resp.JSON200.Violations)
	}
}
