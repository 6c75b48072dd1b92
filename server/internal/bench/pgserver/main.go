// Command pgserver runs a throwaway PostgreSQL cluster for the benchmarks:
// from the newest PostgreSQL under /usr/lib/postgresql (Debian's layout),
// in a temporary folder, on a free port of 127.0.0.1, as the postgres user
// when run as root. It prints the URL of a new database on it, then the
// cluster's main process id, one a line, and serves until its standard
// input closes or it is told to stop (SIGINT, SIGTERM); then it stops the
// cluster and removes the folder.
//
//	go run ./server/internal/bench/pgserver [-durable=false] < some-pipe
//
// -durable (the default) keeps PostgreSQL's own settings: every commit is
// flushed to disk before it returns, as a real server's would be.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/jackc/pgx/v5"

	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
)

func main() {
	durable := flag.Bool("durable", true, "keep PostgreSQL's durable defaults (fsync, synchronous commit)")
	database := flag.String("database", "stub", "name of the database to create")
	flag.Parse()
	if err := run(*durable, *database); err != nil {
		fmt.Fprintln(os.Stderr, "pgserver:", err)
		os.Exit(1)
	}
}

func run(durable bool, database string) error {
	bin, err := pgtest.Bin()
	if err != nil {
		return err
	}
	if bin == "" {
		return fmt.Errorf("no PostgreSQL under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
	}
	cluster, err := pgtest.Start(bin, pgtest.Options{Durable: durable})
	if err != nil {
		return err
	}
	defer cluster.Stop()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, cluster.URL)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{database}.Sanitize())
	conn.Close(ctx)
	if err != nil {
		return err
	}
	u, err := url.Parse(cluster.URL)
	if err != nil {
		return err
	}
	u.Path = "/" + database
	fmt.Println(u.String())
	fmt.Println(cluster.PostmasterPID())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	eof := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(eof)
	}()
	select {
	case <-stop:
	case <-eof:
	}
	return nil
}
