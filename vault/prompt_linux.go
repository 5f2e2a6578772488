package vault

import (
	"bytes"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// readNoEcho turns echo off, flushing anything typed ahead, before it shows
// the prompt, as Python's getpass does: with x/term's ReadPassword the
// prompt comes first and a fast typist's password would be echoed. The line
// is read in canonical mode, so the terminal's line editing works.
func readNoEcho(tty *os.File, prompt string) ([]byte, error) {
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, &Error{Err: ErrNoTerminal, Msg: "cannot prompt: /dev/tty is not a terminal"}
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETSF, &quiet); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	if _, err := io.WriteString(tty, prompt); err != nil {
		return nil, err
	}
	var line []byte
	buf := make([]byte, 256)
	for {
		n, err := tty.Read(buf)
		line = append(line, buf[:n]...)
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			break
		}
		if n == 0 || err != nil {
			if err == nil || errors.Is(err, io.EOF) {
				if len(line) == 0 {
					err = io.EOF
				} else {
					err = nil
				}
			}
			if err != nil {
				return nil, err
			}
			break
		}
	}
	// The newline the user typed was not echoed.
	_, err = io.WriteString(tty, "\n")
	return line, err
}
