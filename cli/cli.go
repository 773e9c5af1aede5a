// Package cli holds Hearth's headless subcommands (`hearth model info`,
// `hearth tokenize`, `hearth run`, ...). main.go hands the arguments here
// before it would start the desktop window, so every subcommand works on a
// machine without a display and in a binary built without GUI tags.
package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: its one-line summary and the function that runs
// it with the arguments after its name. run returns the process exit code.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the table of subcommands. Each lives in its own file.
var commands = map[string]command{
	"model":    {"inspect a GGUF model: hearth model info FILE.gguf", runModel},
	"tokenize": {"print the token ids and pieces of a text", runTokenize},
	"run":      {"chat with a model on the command line", runRun},
	"eval":     {"write a model's logits for token ids (conformance)", runEval},
	"bench":    {"measure prompt and generation speed against memory bandwidth", runBench},
	// serve: the OpenAI-compatible local API (issue 14).
	"serve": {"serve a model over the OpenAI-compatible API on loopback", runServe},
}

// Run runs the subcommand named by args[0] and reports its exit code. ok is
// false when args names no subcommand, so the caller starts the GUI instead.
func Run(args []string) (code int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(os.Stdout)
		return 0, true
	}
	cmd, found := commands[name]
	if !found {
		return 0, false
	}
	return cmd.run(args[1:], os.Stdout, os.Stderr), true
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: hearth [COMMAND] [ARGS]\n\nWithout a command, hearth opens the desktop app.\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}
