package hosttest

import (
	"testing"

	"gplay/internal/testbed"
)

func TestMain(m *testing.M) { testbed.Main(m, 1) }
