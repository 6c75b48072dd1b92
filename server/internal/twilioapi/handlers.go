// Package twilioapi implements the Twilio API's operations, the generated
// conversationsserver.ServerInterface, over a store. Requests reach the
// handlers authenticated and validated against the spec (see package
// server for the chain); the handlers turn them into store calls and the
// store's answers into the spec's resources.
package twilioapi

import (
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/twilio-stubs/userconversations/gen/conversations"
	"github.com/twilio-stubs/userconversations/gen/conversationsserver"
	"github.com/twilio-stubs/userconversations/server/internal/httpmw"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Config configures the handlers. Store is required.
type Config struct {
	Store store.UserConversations
	// PublicURL is the scheme://host[:port] the absolute URLs in responses
	// start with; empty means the scheme and Host of each request.
	PublicURL string
	// PageTokenKey signs page tokens; empty means a random key.
	PageTokenKey []byte
}

// handlers serves the eight operations: the default-service ones and the
// named-service ones share one implementation each, with the service SID
// "" for the default service.
type handlers struct {
	store  store.UserConversations
	tokens tokenCodec
	// base is where the absolute URLs of answers start.
	base *httpmw.BaseURL
	// updateForm binds an update's form body.
	updateForm *formBinder[conversations.UpdateUserConversationRequest]
}

var _ conversationsserver.ServerInterface = (*handlers)(nil)

// New returns the handlers of the Twilio API.
func New(cfg Config) (conversationsserver.ServerInterface, error) {
	if cfg.Store == nil {
		return nil, errors.New("twilioapi: Config.Store is required")
	}
	tokens, err := newTokenCodec(cfg.PageTokenKey)
	if err != nil {
		return nil, fmt.Errorf("twilioapi: page token key: %w", err)
	}
	updateForm, err := newFormBinder[conversations.UpdateUserConversationRequest]()
	if err != nil {
		return nil, fmt.Errorf("twilioapi: %w", err)
	}
	return &handlers{store: cfg.Store, tokens: tokens, base: httpmw.NewBaseURL(cfg.PublicURL), updateForm: updateForm}, nil
}

func (h *handlers) ListUserConversation(c echo.Context, user string, params conversations.ListUserConversationParams) error {
	return h.list(c, "", user, params)
}

func (h *handlers) ListServiceUserConversation(c echo.Context, service, user string, params conversations.ListServiceUserConversationParams) error {
	return h.list(c, service, user, conversations.ListUserConversationParams(params))
}

func (h *handlers) FetchUserConversation(c echo.Context, user, conversation string) error {
	return h.fetch(c, "", user, conversation)
}

func (h *handlers) FetchServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.fetch(c, service, user, conversation)
}

func (h *handlers) UpdateUserConversation(c echo.Context, user, conversation string) error {
	return h.update(c, "", user, conversation)
}

func (h *handlers) UpdateServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.update(c, service, user, conversation)
}

func (h *handlers) DeleteUserConversation(c echo.Context, user, conversation string) error {
	return h.remove(c, "", user, conversation)
}

func (h *handlers) DeleteServiceUserConversation(c echo.Context, service, user, conversation string) error {
	return h.remove(c, service, user, conversation)
}

// scope is the store's name for the account and service a request addresses.
func scope(c echo.Context, service string) store.Scope {
	return store.Scope{Account: httpmw.Account(c), Service: service}
}
