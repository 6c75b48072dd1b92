// Command fixturegen writes a large fixture file for the benchmarks: one
// account, one service, -users users each taking part in -per-user
// conversations, -participants users to a conversation. The defaults give
// 1,000 users x 100 conversations = 100,000 user conversations, in 10,000
// conversations of 10 participants.
//
//	go run ./server/internal/bench/fixturegen -o /tmp/big.json -env /tmp/big.env
//
// Users and conversations get explicit SIDs (US/CH and the index in hex),
// so a load generator can address them without listing first; participant
// SIDs are left out and derived by the loader, as in a hand-written file.
// The -env file holds shell assignments for the benchmark script: the
// credentials and a user and conversation that exist.
//
// -heavy adds one more user who takes part in every conversation: the
// user with the longest list, whose first and last pages the benchmarks
// compare. 10,000 users x 90 conversations, 9 participants and -heavy
// make 1,000,000 user conversations:
//
//	go run ./server/internal/bench/fixturegen -users 10000 -per-user 90 -participants 9 -heavy -o /tmp/1m.json
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	fixturesgen "github.com/twilio-stubs/userconversations/gen/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/testkit"
)

const (
	accountSID = "ACbe000000000000000000000000000000"
	authToken  = "benchauthtoken"
	serviceSID = "ISbe000000000000000000000000000000"
)

func main() {
	users := flag.Int("users", 1000, "number of users")
	perUser := flag.Int("per-user", 100, "conversations each user takes part in")
	participants := flag.Int("participants", 10, "participants per conversation (must divide users x per-user, at most users)")
	out := flag.String("o", "", "output file; .yaml/.yml writes YAML, anything else JSON (required)")
	envFile := flag.String("env", "", "also write shell assignments (credentials, a sample user and conversation) here")
	heavy := flag.Bool("heavy", false, "add a user who takes part in every conversation (BENCH_HEAVY_USER)")
	flag.Parse()
	if err := run(*users, *perUser, *participants, *heavy, *out, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "fixturegen:", err)
		os.Exit(1)
	}
}

func run(users, perUser, participants int, heavy bool, out, envFile string) error {
	switch {
	case out == "":
		return errors.New("-o is required")
	case users < 1 || perUser < 1 || participants < 1:
		return errors.New("-users, -per-user and -participants must be positive")
	case participants > users:
		return errors.New("-participants cannot exceed -users: a user takes part at most once")
	case users*perUser%participants != 0:
		return fmt.Errorf("-participants %d does not divide %d user conversations", participants, users*perUser)
	}
	doc := generate(users, perUser, participants, heavy)

	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if ext := strings.ToLower(filepath.Ext(out)); ext == ".yaml" || ext == ".yml" {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	if envFile == "" {
		return nil
	}
	// Conversation 0 has users 0..participants-1; take the middle one's.
	conversations := users * perUser / participants
	mid := conversations / 2
	f, err := os.Create(envFile)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "BENCH_ACCOUNT=%s\n", accountSID)
	fmt.Fprintf(w, "BENCH_TOKEN=%s\n", authToken)
	fmt.Fprintf(w, "BENCH_USER=%s\n", testkit.SID("US", memberOf(mid, 0, participants, users)))
	fmt.Fprintf(w, "BENCH_CONVERSATION=%s\n", testkit.SID("CH", mid))
	total := users * perUser
	if heavy {
		total += conversations
		fmt.Fprintf(w, "BENCH_HEAVY_USER=%s\n", heavySID)
		fmt.Fprintf(w, "BENCH_HEAVY_CONVERSATIONS=%d\n", conversations)
	}
	fmt.Fprintf(w, "BENCH_USER_CONVERSATIONS=%d\n", total)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// memberOf is the k-th user of conversation i: consecutive users, wrapping
// around, so every user is in the same number of conversations and never
// twice in one.
func memberOf(i, k, participants, users int) int { return (i*participants + k) % users }

// heavySID is the -heavy user's: after every other user's.
var heavySID = "US" + strings.Repeat("f", 32)

func generate(users, perUser, participants int, heavy bool) fixturesgen.Fixtures {
	svc := fixturesgen.Service{Sid: serviceSID}
	svc.Users = make([]fixturesgen.User, users)
	for u := range svc.Users {
		svc.Users[u] = fixturesgen.User{Sid: testkit.SID("US", u), Identity: fmt.Sprintf("user-%04d", u)}
	}
	if heavy {
		svc.Users = append(svc.Users, fixturesgen.User{Sid: heavySID, Identity: "heavy"})
	}
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	n := users * perUser / participants
	svc.Conversations = make([]fixturesgen.Conversation, n)
	for i := range svc.Conversations {
		created := epoch.Add(time.Duration(i) * time.Minute)
		updated := created.Add(time.Hour)
		c := fixturesgen.Conversation{
			Sid:          testkit.SID("CH", i),
			FriendlyName: new(fmt.Sprintf("Bench conversation %d", i)),
			Attributes:   fmt.Sprintf(`{"bench":true,"n":%d}`, i),
			CreatedBy:    new(fmt.Sprintf("user-%04d", memberOf(i, 0, participants, users))),
			DateCreated:  &created,
			DateUpdated:  &updated,
			MessageCount: 50 + i%200,
			Participants: make([]fixturesgen.Participant, participants),
		}
		if i%4 == 0 {
			c.UniqueName = new(fmt.Sprintf("bench-room-%d", i))
		}
		if i%10 == 9 {
			c.State = fixturesgen.ConversationStateClosed
			c.Timers = &fixturesgen.ConversationTimers{DateClosed: &updated}
		}
		for k := range c.Participants {
			p := fixturesgen.Participant{User: testkit.SID("US", memberOf(i, k, participants, users))}
			if k%3 != 2 { // a third never read the conversation
				p.LastReadMessageIndex = new((i + k) % c.MessageCount)
			}
			if k%5 == 4 {
				p.NotificationLevel = fixturesgen.NotificationLevelMuted
			}
			c.Participants[k] = p
		}
		if heavy {
			c.Participants = append(c.Participants, fixturesgen.Participant{User: heavySID, LastReadMessageIndex: new(i % c.MessageCount)})
		}
		svc.Conversations[i] = c
	}
	return fixturesgen.Fixtures{Accounts: []fixturesgen.Account{{
		Sid:       accountSID,
		AuthToken: authToken,
		Services:  []fixturesgen.Service{svc},
	}}}
}
