package connection

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// TerminalPrompter asks on the controlling terminal (/dev/tty), as ssh
// does, so prompts work while stdin and stdout are redirected. Answers to
// secret prompts are not echoed.
type TerminalPrompter struct {
	mu  sync.Mutex
	tty *os.File
}

// NewTerminalPrompter opens /dev/tty. It fails when the process has no
// controlling terminal (cron, CI); callers then leave Dialer.Prompter nil.
func NewTerminalPrompter() (*TerminalPrompter, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("no terminal for prompts: %w", err)
	}
	return &TerminalPrompter{tty: tty}, nil
}

// Prompt implements Prompter. A read in progress is not interrupted by ctx:
// the terminal offers no portable way to abandon it.
func (p *TerminalPrompter) Prompt(ctx context.Context, prompt string, echo bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.tty.WriteString(prompt); err != nil {
		return "", err
	}
	if !echo {
		b, err := term.ReadPassword(int(p.tty.Fd()))
		// ReadPassword swallows the newline the user typed.
		if _, werr := p.tty.WriteString("\n"); err == nil {
			err = werr
		}
		return string(b), err
	}
	line, err := bufio.NewReader(p.tty).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

// Close releases the terminal.
func (p *TerminalPrompter) Close() error { return p.tty.Close() }
