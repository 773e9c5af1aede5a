package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// promptLoop runs turn once on prompt when it is given; otherwise it reads
// prompts line by line from stdin (a "> " prompt on stderr) until EOF. A
// failed turn is reported and the loop goes on, unless fatal says the error
// ends the session. It returns the process exit code.
func promptLoop(prompt string, stdin io.Reader, stderr io.Writer, turn func(string) error, fatal func(error) bool) int {
	if prompt != "" {
		if err := turn(prompt); err != nil {
			fmt.Fprintln(stderr, "hearth run:", err)
			return 1
		}
		return 0
	}
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for {
		fmt.Fprint(stderr, "> ")
		if !in.Scan() {
			fmt.Fprintln(stderr)
			return 0
		}
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if err := turn(line); err != nil {
			fmt.Fprintln(stderr, "hearth run:", err)
			if fatal(err) {
				return 1
			}
		}
	}
}
