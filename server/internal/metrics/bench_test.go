package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/server/internal/routes"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// BenchmarkCount is what the metrics add to every request: the Count step
// around a handler that does nothing.
func BenchmarkCount(b *testing.B) {
	m := New(memory.New())
	route := &routes.Route{OperationID: "FetchUserConversation"}
	account := func(echo.Context) string { return "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }
	handler := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	for name, h := range map[string]echo.HandlerFunc{
		"bare":    handler,
		"counted": m.Count("twilio", account)(route)(handler),
	} {
		b.Run(name, func(b *testing.B) {
			c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
			b.ReportAllocs()
			for b.Loop() {
				c.Response().Committed = false
				if err := h(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
