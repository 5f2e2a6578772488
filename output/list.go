package output

import (
	"fmt"
	"io"

	"gplay/engine"
	"gplay/play"
)

// ListOptions choose what List prints.
type ListOptions struct{ Hosts, Tasks, Tags bool }

// List prints --list-hosts, --list-tasks and --list-tags as
// ansible-playbook does.
func List(w io.Writer, books []*play.Playbook, names []string, opts engine.Options, lo ListOptions) error {
	for i, pb := range books {
		fmt.Fprintf(w, "\nplaybook: %s\n", names[i])
		for j, p := range pb.Plays {
			info := engine.DescribePlay(p, opts)
			fmt.Fprintf(w, "\n  play #%d (%s): %s\tTAGS: [%s]\n", j+1, info.Pattern, info.Name, join(info.Tags))
			if lo.Hosts {
				fmt.Fprintf(w, "    pattern: %s\n", info.PatternRepr)
				fmt.Fprintf(w, "    hosts (%d):\n", len(info.Hosts))
				for _, h := range info.Hosts {
					fmt.Fprintf(w, "      %s\n", h)
				}
			}
			if lo.Tasks {
				fmt.Fprintf(w, "    tasks:\n")
				for _, t := range info.Tasks {
					fmt.Fprintf(w, "      %s\tTAGS: [%s]\n", t.Name, join(t.Tags))
				}
			}
			if lo.Tags {
				fmt.Fprintf(w, "      TASK TAGS: [%s]\n", join(info.AllTags))
			}
		}
	}
	return nil
}

func join(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}
