package store

import "context"

// Sizes counts the items of a world.
type Sizes struct {
	Accounts          int
	Users             int // across every service of every account
	Conversations     int
	UserConversations int // participants: one per user in each of its conversations
}

// Sizer is a Store that can tell the size of its world cheaply, without a
// Snapshot: the stub's metrics read it on every scrape. It is optional; a
// store without it shows no world-size metrics.
type Sizer interface {
	Sizes(ctx context.Context) (Sizes, error)
}
