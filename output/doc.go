// Package output renders the engine's events for people and programs: Text
// writes ansible-playbook's default output line for line (banners padded
// with * to the width, ok/changed/skipping/fatal lines, item lines, -v
// results as Python's json.dumps prints them, warnings, handler banners,
// the PLAY RECAP), with colours that honour NO_COLOR, ANSIBLE_NOCOLOR,
// ANSIBLE_FORCE_COLOR and non-terminals as Ansible 2.14 does, and on a
// terminal a live status line naming the hosts the current task still
// waits on (Text.Close clears it when a run ends without a recap); JSON
// writes one event per line and JUnit an XML report.
// Diffs are rendered with go-difflib as Ansible's unified diffs, and
// positioned errors (*diag.Error) as Ansible shows them: file, line and
// column, the offending line and a caret.
//
// output implements engine.Reporter; it imports engine, diag and pyval and
// must not import main.
package output
