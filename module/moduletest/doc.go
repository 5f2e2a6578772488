// Package moduletest is the conformance suite every built-in module's tests
// call (modules/<m>_test.go), on a real temporary directory and with real
// commands. For each Case it proves:
//
//   - check mode leaves the tree byte-identical (content, modes, owners,
//     symlinks, modification times);
//   - the check result equals the real result (Changed, Diff, failure);
//   - a rerun reports Changed=false (idempotence), in check and real mode;
//   - no value of a no_log param appears in the registered result
//     (diffs aside: they show content, as Ansible's do).
//
// It imports module and pyval only; the tests that use it pass the module
// value itself, so a test registry is not needed.
package moduletest
