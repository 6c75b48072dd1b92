// Package client is a small, idiomatic Go API for the User Conversation
// resource of Twilio Conversations v1: the conversations one user takes part
// in, with that user's read horizon and notification level.
//
// It is thin glue over the client generated from api/openapi.yaml (package
// gen/conversations): requests are built and successful answers decoded by
// the generated code, and the models are the generated types. This package
// adds credentials, a user agent, retries, paging with iterators, and one
// error type for every failed answer.
//
// The same client serves three uses.
//
// Against Twilio, NewFromEnv reads the usual TWILIO_* variables and talks to
// https://conversations.twilio.com:
//
//	c, err := client.NewFromEnv()
//	...
//	conv, err := c.User("alice").Fetch(ctx, "CHxxxxxxxx")
//
// Against the local stub of this repository, point the client at the stub
// with WithBaseURL; any credentials the stub accepts will do:
//
//	c, err := client.New(sid, token, client.WithBaseURL("http://127.0.0.1:8080"))
//
// In tests of code that uses this package, point WithBaseURL at an
// httptest.Server (or pass the server's client with WithHTTPClient), and use
// WithoutRetries so that error answers come back at once instead of after
// the backoff:
//
//	c, err := client.New("AC123", "token", client.WithBaseURL(srv.URL), client.WithoutRetries())
//
// Resources are addressed through handles: c.User(identity) for the account's
// default conversation service and c.Service(serviceSID).User(identity) for a
// named one. Both offer Fetch, Update, Remove, List and Page. A user may be
// given by SID (US...) or identity and a conversation by SID (CH...) or
// unique name; both are percent-encoded into the path, so identities holding
// "/" or spaces are safe.
//
// Every answer outside 2xx is returned as *Error; see IsNotFound,
// IsUnauthorized, IsRateLimited and StatusCode.
package client
