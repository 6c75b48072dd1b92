package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	admingen "github.com/twilio-stubs/userconversations/gen/admin"
	"github.com/twilio-stubs/userconversations/server/internal/validation"
	"github.com/twilio-stubs/userconversations/server/internal/violations"
)

// Proxy mode: the contract violations and the recording.

func (h handlers) ListViolations(c echo.Context, params admingen.ListViolationsParams) error {
	list := h.violations.List(deref(params.Operation))
	out := admingen.ViolationList{Violations: make([]admingen.Violation, len(list))}
	for i, v := range list {
		out.Violations[i] = violationModel(v)
	}
	return c.JSON(http.StatusOK, out)
}

func violationModel(v violations.Violation) admingen.Violation {
	m := admingen.Violation{
		Id:        v.ID,
		Time:      v.Time,
		Direction: admingen.ViolationDirection(v.Direction),
		Operation: v.Operation,
		Method:    v.Method,
		Path:      v.Path,
		Status:    v.Status,
		Account:   optional(v.Account),
		RequestId: optional(v.RequestID),
		Location:  admingen.ViolationLocation(v.Location),
		Name:      optional(v.Name),
		Rule:      v.Rule,
		Message:   v.Message,
		Value:     optional(v.Value),
		Redacted:  optionalTrue(v.Redacted),
	}
	if v.Location == validation.LocationBody {
		m.Pointer = &v.Pointer
	}
	return m
}

func (h handlers) ClearViolations(c echo.Context) error {
	h.violations.Clear()
	return c.NoContent(http.StatusNoContent)
}

func (h handlers) GetRecording(c echo.Context) error {
	if h.recording == nil {
		return newError(http.StatusNotFound, "Nothing is recorded: the stub is not a proxy (start it with --upstream)")
	}
	doc, ok := h.recording()
	if !ok {
		return newError(http.StatusNotFound, "Nothing is recorded yet: no answer of the upstream has shown a user conversation")
	}
	return c.JSON(http.StatusOK, doc)
}
