package engine

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gplay/pyval"
)

func init() { registerAction("pause", actPause, false) }

// actPause is ansible.builtin.pause. With seconds or minutes it shows the
// countdown notice and waits; without them it shows the prompt and, on a
// terminal (a Prompter), waits for a line (hidden when echo is false),
// returned as user_input. Without a terminal a prompt is not waited for,
// with Ansible's warning.
func actPause(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	r := a.hr.pr.r
	echo := true
	if v, ok := args.Get("echo"); ok {
		echo = truthy(v)
	}
	echoNote := ""
	if !echo {
		echoNote = " (output is hidden)"
	}
	text := "Press enter to continue, Ctrl+C to interrupt"
	promptSet := false
	if v := get(args, "prompt"); v != nil && pyval.Str(v) != "" {
		text, promptSet = pyval.Str(v), true
	}
	prompt := fmt.Sprintf("[%s]\n%s%s:", strings.TrimSpace(a.hr.pr.bannerName(a.hr.t, a.hr.h)), text, echoNote)
	unit := "minutes"
	secs := -1
	if v := get(args, "minutes"); v != nil {
		secs = int(num(v) * 60)
	} else if v := get(args, "seconds"); v != nil {
		secs, unit = int(num(v)), "seconds"
	}
	start := time.Now()
	userInput := ""
	if secs >= 0 {
		if secs < 1 {
			secs = 1
		}
		r.report(Message{Text: fmt.Sprintf("Pausing for %d seconds%s", secs, echoNote)})
		r.report(Message{Text: "(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r"})
		if promptSet {
			r.report(Message{Text: prompt})
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(secs) * time.Second):
		}
	} else {
		r.report(Message{Text: prompt})
		if r.opts.Prompter == nil {
			r.report(Warning{Msg: "Not waiting for response to prompt as stdin is not interactive"})
		} else {
			in, err := r.ask(ctx, "", echo)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("user requested abort!")
			}
			userInput = in
		}
	}
	stop := time.Now()
	dur := stop.Sub(start).Seconds()
	shown := dur
	if unit == "minutes" {
		shown = dur / 60
	}
	return pyval.DictOf("changed", false, "rc", int64(0), "stderr", "", "stdout", fmt.Sprintf("Paused for %s %s", pyFloat(math.Round(shown*100)/100), unit),
		"start", start.Format("2006-01-02 15:04:05.000000"), "stop", stop.Format("2006-01-02 15:04:05.000000"),
		"delta", int64(dur), "echo", echo, "user_input", userInput), nil
}

// num reads a number argument leniently ("5", 5, 1.5).
func num(v any) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(pyval.Str(v)), 64)
	return f
}

// pyFloat formats f as Python's str(float) does for short values ("0.0",
// "1.04").
func pyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}
