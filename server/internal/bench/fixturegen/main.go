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
	flag.Parse()
	if err := run(*users, *perUser, *participants, *out, *envFile); err != nil {
		fmt.Fprintln(os.Stderr, "fixturegen:", err)
		os.Exit(1)
	}
}

func run(users, perUser, participants int, out, envFile string) error {
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
	doc := generate(users, perUser, participants)

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
	fmt.Fprintf(w, "BENCH_USER_CONVERSATIONS=%d\n", users*perUser)
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

func generate(users, perUser, participants int) fixturesgen.Fixtures {
	svc := fixturesgen.Service{Sid: serviceSID}
	svc.Users = make([]fixturesgen.User, users)
	for u := range svc.Users {
		svc.Users[u] = fixturesgen.User{Sid: testkit.SID("US", u), Identity: fmt.Sprintf("user-%04d", u)}
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
		svc.Conversations[i] = c
	}
	return fixturesgen.Fixtures{Accounts: []fixturesgen.Account{{
		Sid:       accountSID,
		AuthToken: authToken,
		Services:  []fixturesgen.Service{svc},
	}}}
}
