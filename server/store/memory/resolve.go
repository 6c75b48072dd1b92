package memory

import (
	"fmt"

	"github.com/twilio-stubs/userconversations/server/store"
)

// resolveService finds the service scope addresses. An account sees only
// its own services: another account's service SID is not found.
func (w *world) resolveService(scope store.Scope) (*service, error) {
	acct := w.accountBySID[scope.Account]
	if acct == nil {
		return nil, fmt.Errorf("account %q: %w", scope.Account, store.ErrNotFound)
	}
	if scope.Service == "" {
		if len(acct.services) == 0 {
			return nil, fmt.Errorf("account %q has no service: %w", scope.Account, store.ErrNotFound)
		}
		return acct.services[0], nil
	}
	svc := w.serviceBySID[scope.Service]
	if svc == nil || svc.account != acct {
		return nil, fmt.Errorf("service %q: %w", scope.Service, store.ErrNotFound)
	}
	return svc, nil
}

// resolveUser finds the user by SID if ref looks like one, else by identity.
func (svc *service) resolveUser(ref string) (*user, error) {
	var u *user
	if store.IsSID(ref, "US") {
		u = svc.userBySID[ref]
	} else {
		u = svc.userByIdentity[ref]
	}
	if u == nil {
		return nil, fmt.Errorf("user %q: %w", ref, store.ErrNotFound)
	}
	return u, nil
}

// resolveConversation finds the conversation by SID if ref looks like one,
// else by unique_name.
func (svc *service) resolveConversation(ref string) (*conversation, error) {
	var c *conversation
	if store.IsSID(ref, "CH") {
		c = svc.conversationBySID[ref]
	} else {
		c = svc.conversationByUniqueName[ref]
	}
	if c == nil {
		return nil, fmt.Errorf("conversation %q: %w", ref, store.ErrNotFound)
	}
	return c, nil
}

// resolveUserIn resolves the scope, then the user in it.
func (w *world) resolveUserIn(scope store.Scope, userRef string) (*service, *user, error) {
	svc, err := w.resolveService(scope)
	if err != nil {
		return nil, nil, err
	}
	u, err := svc.resolveUser(userRef)
	if err != nil {
		return nil, nil, err
	}
	return svc, u, nil
}

// resolveParticipation resolves the scope, the user and the conversation,
// and returns the index of the user's participation in u.parts.
func (w *world) resolveParticipation(scope store.Scope, userRef, convRef string) (*service, *user, int, error) {
	svc, u, err := w.resolveUserIn(scope, userRef)
	if err != nil {
		return nil, nil, 0, err
	}
	c, err := svc.resolveConversation(convRef)
	if err != nil {
		return nil, nil, 0, err
	}
	i := u.find(c)
	if i < 0 {
		return nil, nil, 0, fmt.Errorf("user %q in conversation %q: %w", userRef, convRef, store.ErrNotFound)
	}
	return svc, u, i, nil
}
