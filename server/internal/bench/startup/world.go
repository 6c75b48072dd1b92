package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// world is what a stub is started on, and the fetch that shows it serves.
type world struct {
	name              string
	file              string // "" for the demo world
	bytes             int64
	userConversations int
	account, token    string
	path              string // of a fetch that answers 200
}

// The demo world's credentials and a user conversation of it (the one of
// api/openapi.yaml's examples).
var demo = world{
	name:              "demo",
	userConversations: 0, // not printed
	account:           "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	token:             "demoauthtoken",
	path:              "/v1/Users/USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Conversations/CHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
}

// generated maps a world's name to fixturegen's -users: every user takes
// part in 100 conversations of 10 participants. A name ending in -yaml is
// the same world written as YAML.
var generated = map[string]int{"100k": 1000, "1m": 10000}

// prepareWorld returns the named world, generating its fixtures file in
// dir (once: a file already there is used as it is).
func prepareWorld(goCmd, dir, name string) (world, error) {
	if name == "demo" {
		return demo, nil
	}
	base, yaml := strings.CutSuffix(name, "-yaml")
	users, ok := generated[base]
	if !ok {
		return world{}, fmt.Errorf("unknown world %q: want demo, 100k or 1m, or 100k-yaml or 1m-yaml", name)
	}
	ext := ".json"
	if yaml {
		ext = ".yaml"
	}
	gen := filepath.Join(dir, "fixturegen")
	if _, err := os.Stat(gen); err != nil {
		if err := goBuild(goCmd, gen, "./server/internal/bench/fixturegen"); err != nil {
			return world{}, err
		}
	}
	file := filepath.Join(dir, name+ext)
	envFile := filepath.Join(dir, name+".env")
	if _, err := os.Stat(envFile); err != nil {
		say("startup: generating the %s world (%d users x 100 conversations, %s)", name, users, ext)
		cmd := exec.Command(gen, "-users", strconv.Itoa(users), "-per-user", "100", "-participants", "10", "-o", file, "-env", envFile)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return world{}, fmt.Errorf("fixturegen: %w", err)
		}
	}
	env, err := readEnv(envFile)
	if err != nil {
		return world{}, err
	}
	info, err := os.Stat(file)
	if err != nil {
		return world{}, err
	}
	n, _ := strconv.Atoi(env["BENCH_USER_CONVERSATIONS"])
	return world{
		name:              name,
		file:              file,
		bytes:             info.Size(),
		userConversations: n,
		account:           env["BENCH_ACCOUNT"],
		token:             env["BENCH_TOKEN"],
		path:              "/v1/Users/" + env["BENCH_USER"] + "/Conversations/" + env["BENCH_CONVERSATION"],
	}, nil
}

// readEnv reads fixturegen's -env file: NAME=VALUE lines.
func readEnv(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	return env, sc.Err()
}
