package client

import (
	"context"
	"errors"
	"net/http"

	"github.com/twilio-stubs/userconversations/gen/conversations"
)

// UserConversation is one user's view of one conversation: the
// conversation's properties with the user's read horizon and notification
// level. Nullable properties are nil when unset.
type UserConversation = conversations.UserConversation

// UserConversationPage is one page of a user's conversations, with the
// paging information in Meta.
type UserConversationPage = conversations.UserConversationPage

// NotificationLevel is a user's notification level in a conversation.
type NotificationLevel = conversations.NotificationLevel

// The notification levels.
const (
	// NotificationLevelDefault sends push notifications as the service is
	// configured to.
	NotificationLevelDefault = conversations.NotificationLevelDefault
	// NotificationLevelMuted stops push notifications for the conversation.
	NotificationLevelMuted = conversations.NotificationLevelMuted
)

// Service is a named conversation service. Get one with Client.Service.
type Service struct {
	c   *Client
	sid string
}

// User returns the conversations of one user of the service; user is the
// user's SID (US...) or identity.
func (s Service) User(user string) UserConversations {
	return UserConversations{c: s.c, inService: true, service: s.sid, user: user}
}

// UserConversations is a handle on the conversations of one user, in the
// default conversation service (Client.User) or a named one
// (Client.Service(...).User). It is a small value: make one per call or
// keep it, as convenient. A conversation is given by SID (CH...) or unique
// name.
type UserConversations struct {
	c         *Client
	inService bool // false for the account's default conversation service
	service   string
	user      string
}

// Fetch returns the user's view of one conversation.
func (u UserConversations) Fetch(ctx context.Context, conversation string) (*UserConversation, error) {
	if err := u.check(conversation); err != nil {
		return nil, err
	}
	if !u.inService {
		rsp, err := u.c.gen.FetchUserConversation(ctx, u.user, conversation)
		return decode(rsp, err, conversations.ParseFetchUserConversationResponse)
	}
	rsp, err := u.c.gen.FetchServiceUserConversation(ctx, u.service, u.user, conversation)
	return decode(rsp, err, conversations.ParseFetchServiceUserConversationResponse)
}

// Remove removes the user from the conversation. Twilio answers 204; any
// 2xx answer is taken as success, as Twilio's own libraries do.
func (u UserConversations) Remove(ctx context.Context, conversation string) error {
	if err := u.check(conversation); err != nil {
		return err
	}
	var rsp *http.Response
	var err error
	if !u.inService {
		rsp, err = u.c.gen.DeleteUserConversation(ctx, u.user, conversation)
	} else {
		rsp, err = u.c.gen.DeleteServiceUserConversation(ctx, u.service, u.user, conversation)
	}
	if err != nil {
		return err
	}
	if err := checkStatus(rsp); err != nil {
		return err
	}
	discard(rsp)
	return nil
}

// check refuses, before any request is made, a handle that was not made by
// Client.User or Service.User and empty path parameters: with an empty
// conversation a fetch would reach the list endpoint instead.
func (u UserConversations) check(conversation string) error {
	if err := u.checkUser(); err != nil {
		return err
	}
	if conversation == "" {
		return errors.New("client: empty conversation SID or unique name")
	}
	return nil
}

// checkUser is check for the list paths, which name no conversation.
func (u UserConversations) checkUser() error {
	switch {
	case u.c == nil:
		return errors.New("client: UserConversations must come from Client.User or Service.User")
	case u.inService && u.service == "":
		return errors.New("client: empty conversation service SID")
	case u.user == "":
		return errors.New("client: empty user SID or identity")
	}
	return nil
}
