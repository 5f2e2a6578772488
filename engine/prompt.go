package engine

import (
	"context"
	"strings"

	"gplay/pyval"
)

// ask puts a question to the Prompter without letting a blocked terminal
// read hold up a cancelled run (Ctrl-C while a prompt waits).
func (r *run) ask(ctx context.Context, prompt string, echo bool) (string, error) {
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		defer r.recoverPanic()
		s, err := r.opts.Prompter.Prompt(ctx, prompt, echo)
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		return a.s, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// bannerText is a line as Display.banner draws it: the text, then stars to
// the 79 columns Ansible uses when it cannot size the terminal.
func bannerText(msg string) string {
	msg = strings.TrimSpace(msg)
	n := 79 - len([]rune(msg))
	if n <= 3 {
		n = 3
	}
	return "\n" + msg + " " + strings.Repeat("*", n)
}

// takeStep asks whether to run the task under --step, as Ansible's
// StrategyBase._take_step: y runs it, c runs it and stops asking, anything
// else skips it. Without a Prompter every task runs.
func (r *run) takeStep(ctx context.Context, name, host string) bool {
	if !r.opts.Step || r.opts.Prompter == nil {
		return true
	}
	r.stepMu.Lock()
	defer r.stepMu.Unlock()
	if r.stepDone {
		return true
	}
	msg := "Perform task: TASK: " + name + " "
	if host != "" {
		msg += "on " + host + " "
	}
	msg += "(N)o/(y)es/(c)ontinue: "
	ans, err := r.ask(ctx, msg, true)
	if err != nil {
		return false
	}
	ok := false
	switch strings.ToLower(strings.TrimSpace(ans)) {
	case "y", "yes":
		ok = true
	case "c", "continue":
		r.stepDone = true
		ok = true
	}
	r.report(Message{Text: bannerText(msg)})
	return ok
}

// askVarsPrompt answers a play's vars_prompt as Display.do_var_prompt: ask on
// the terminal (twice with confirm), else warn and take the default; an
// empty answer takes the default; encrypt hashes the answer.
func (pr *playRun) askVarsPrompt(ctx context.Context, ps *scope) error {
	r := pr.r
	for _, vp := range pr.play.VarsPrompt {
		if r.extraVars.Has(vp.Name) {
			continue
		}
		raw := vp.Raw
		if raw == nil {
			raw = pyval.DictOf("name", vp.Name)
		}
		// vars_prompt fields may use play variables
		if tv, err := ps.template(raw); err == nil {
			if d, ok := tv.(*pyval.Dict); ok {
				raw = d
			}
		}
		opt := func(k string) any { v, _ := raw.Get(k); return v }
		prompt := vp.Name
		if v := opt("prompt"); v != nil {
			prompt = pyval.Str(v)
		}
		def := opt("default")
		private := true
		if v, ok := raw.Get("private"); ok {
			private = truthy(v)
		}
		var result any
		if r.opts.Prompter != nil {
			var msg string
			switch {
			case prompt != "" && def != nil:
				msg = prompt + " [" + pyval.Str(def) + "]: "
			case prompt != "":
				msg = prompt + ": "
			default:
				msg = "input for " + vp.Name + ": "
			}
			for {
				a, err := r.ask(ctx, msg, !private)
				if err != nil {
					return err
				}
				if !truthy(opt("confirm")) {
					result = a
					break
				}
				b, err := r.ask(ctx, "confirm "+msg, !private)
				if err != nil {
					return err
				}
				if a == b {
					result = a
					break
				}
				r.report(Message{Text: "***** VALUES ENTERED DO NOT MATCH ****"})
			}
		} else if !r.warnedNoPrompt {
			r.warnedNoPrompt = true
			r.warn("Not prompting as we are not in interactive mode")
		}
		if (result == nil || result == "") && def != nil {
			result = def
		}
		if enc := opt("encrypt"); enc != nil {
			esc := ps.with(pyval.DictOf("__gplay_v", result, "__gplay_e", enc, "__gplay_s", opt("salt"), "__gplay_ss", opt("salt_size")))
			h, err := esc.template("{{ __gplay_v | password_hash(__gplay_e, __gplay_s, salt_size=__gplay_ss) }}")
			if err != nil {
				return err
			}
			result = h
		}
		// an answer is text; no answer and no default is Python's None as text
		s := pyval.Str(result)
		if result == nil {
			s = "None"
		}
		pr.promptVars.Set(vp.Name, s)
	}
	return nil
}
