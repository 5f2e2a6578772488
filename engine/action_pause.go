package engine

import (
	"context"
	"fmt"
	"time"

	"gplay/pyval"
)

func init() { registerAction("pause", actPause, false) }

// actPause waits seconds or minutes; without a terminal a prompt gets an
// empty answer at once, as Ansible does when stdin is not interactive
// (ansible.builtin.pause).
func actPause(ctx context.Context, a *actionCtx) (*pyval.Dict, error) {
	args, err := a.args()
	if err != nil {
		return nil, err
	}
	var secs float64
	if v := get(args, "seconds"); v != nil {
		fmt.Sscan(pyval.Str(v), &secs)
	}
	if v := get(args, "minutes"); v != nil {
		var m float64
		fmt.Sscan(pyval.Str(v), &m)
		secs = m * 60
	}
	start := time.Now()
	if secs > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(secs * float64(time.Second))):
		}
	}
	stop := time.Now()
	out := pyval.DictOf("changed", false, "rc", int64(0), "start", start.Format("2006-01-02 15:04:05.000000"),
		"stop", stop.Format("2006-01-02 15:04:05.000000"), "delta", int64(stop.Sub(start).Seconds()), "echo", true,
		"user_input", "", "failed", false)
	if secs > 0 {
		out.Set("stdout", fmt.Sprintf("Paused for %s seconds", pyval.Str(int64(secs))))
	} else {
		out.Set("stdout", "Paused for 0.0 minutes")
	}
	return out, nil
}
