//go:build !linux

package vault

import (
	"io"
	"os"

	"golang.org/x/term"
)

// readNoEcho shows the prompt and reads a password without echo.
func readNoEcho(tty *os.File, prompt string) ([]byte, error) {
	if _, err := io.WriteString(tty, prompt); err != nil {
		return nil, err
	}
	pw, err := term.ReadPassword(int(tty.Fd()))
	if _, werr := io.WriteString(tty, "\n"); err == nil && werr != nil {
		err = werr
	}
	return pw, err
}
