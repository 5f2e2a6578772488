// Package e2e runs gplay against real Debian hosts booted by internal/testbed.
package e2e

import (
	"testing"

	"gplay/internal/testbed"
)

// hosts is how many test hosts the end-to-end tests boot.
const hosts = 3

func TestMain(m *testing.M) { testbed.Main(m, hosts) }
