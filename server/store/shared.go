package store

import "context"

// Seeder is a Store that can be given its first world: the stub seeds
// every store from its fixtures this way, so that a durable store keeps
// the world it holds across restarts, and replicas starting at once on
// one new database seed it once.
type Seeder interface {
	// Seed loads the world fixtures returns if the store holds none (no
	// account), and reports whether it did. The check and the load are
	// one transaction: of several handles seeding one database at once,
	// one seeds it and the others find it seeded. fixtures is called only
	// when the store is empty, so a store that holds a world costs no
	// parsing of fixtures. An error of fixtures is returned as it is.
	Seed(ctx context.Context, fixtures func() (World, error)) (bool, error)
}

// Shared is a Store that several processes may serve one world from (the
// SQL stores). Beyond the world it keeps what the stub's replicas must
// agree on: a secret such as the key that signs page tokens, and the admin
// API's fault rules and request journal. What a rule or a journal entry
// holds is the stub's business: the store keeps them as bytes.
type Shared interface {
	// Secret returns the secret named name: size random bytes, made and
	// stored by the first handle to ask, the same for every handle on the
	// database after that.
	Secret(ctx context.Context, name string, size int) ([]byte, error)

	// FaultRulesVersion changes whenever a rule is put, removed or
	// cleared, through any handle; applying a rule does not change it.
	FaultRulesVersion(ctx context.Context) (int64, error)
	// FaultRules returns the rules in the order they were added, and the
	// version they are at, read together.
	FaultRules(ctx context.Context) ([]FaultRule, int64, error)
	// PutFaultRule stores r.Rule and r.Times. A rule with the ID of a kept
	// one replaces it in its place; another is added at the end, under a
	// new ID ("f1", "f2", ...: a counter shared by every handle, which a
	// clear does not reset) when r.ID is "". Either way its Applied count
	// starts from zero. It returns the rule as kept and whether it was
	// added rather than replaced.
	PutFaultRule(ctx context.Context, r FaultRule) (FaultRule, bool, error)
	// RemoveFaultRule removes the rule with id, and reports whether there
	// was one.
	RemoveFaultRule(ctx context.Context, id string) (bool, error)
	// ClearFaultRules removes every rule.
	ClearFaultRules(ctx context.Context) error
	// ApplyFaultRule counts one more application of the rule with id,
	// unless it is spent (Times > 0 and Applied == Times) or gone: then it
	// returns false. The check and the count are one statement, so a rule
	// with Times n is applied exactly n times whatever the number of
	// handles applying it at once. It returns the new count.
	ApplyFaultRule(ctx context.Context, id string) (int, bool, error)

	// AppendRequests adds entries to the request journal, numbering them
	// after every entry ever added (Seq), then drops the oldest entries
	// until at most maxEntries remain and their Bytes add up to at most
	// maxBytes; the newest entry stays, however large.
	AppendRequests(ctx context.Context, entries []JournalEntry, maxEntries int, maxBytes int64) error
	// Requests calls yield with the journal's entries, newest first,
	// until it returns false.
	Requests(ctx context.Context, yield func(JournalEntry) bool) error
	// ClearRequests empties the journal; numbering goes on.
	ClearRequests(ctx context.Context) error
}

// FaultRule is a fault rule as a Shared store keeps it.
type FaultRule struct {
	ID      string
	Rule    []byte // the rule, encoded by the stub
	Times   int    // how many requests it applies to; 0 for no limit
	Applied int    // how many it was applied to
}

// JournalEntry is a request journal entry as a Shared store keeps it.
type JournalEntry struct {
	Seq   int64  // set by the store
	Bytes int64  // what the entry counts for against the journal's bound
	Data  []byte // the entry, encoded by the stub
	// Skip is how many numbers AppendRequests leaves unused before this
	// entry: those of entries the stub dropped before it could write
	// them, so that numbers still count the requests recorded.
	Skip int64
}
