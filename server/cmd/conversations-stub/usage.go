package main

import (
	"flag"
	"fmt"
	"io"
)

// printUsage is --help: the commands, and every flag with its environment
// variable and its built-in default (never one read from the environment,
// which may hold the admin token).
func printUsage(w io.Writer) {
	fmt.Fprint(w, `conversations-stub serves a stateful, contract-validated stub of Twilio
Conversations' User Conversation API.

Usage:
  conversations-stub [flags]
  conversations-stub healthcheck [--url URL] [--timeout DURATION]
      exits 0 if the stub at URL answers its health check with 200
      (default URL: http://$STUB_ADDR/_stub/health, 0.0.0.0 as 127.0.0.1)

Each flag but --version may be set by its environment variable instead;
a flag given on the command line wins.

Flags:
`)
	var o options
	fs, _ := newFlagSet(&o, func(string) string { return "" }) // built-in defaults parse
	fs.VisitAll(func(f *flag.Flag) { printFlag(w, f) })
	fmt.Fprint(w, "  --help\n      print this help, and exit\n")
}

func printFlag(w io.Writer, f *flag.Flag) {
	typeName, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if typeName != "" {
		line += " " + typeName
	}
	if env := envOf[f.Name]; env != "" {
		line += "  (env " + env + ")"
	}
	fmt.Fprintf(w, "%s\n      %s", line, usage)
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		fmt.Fprintf(w, " (default %s)", f.DefValue)
	}
	fmt.Fprintln(w)
}
