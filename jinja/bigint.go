package jinja

import (
	"math"
	"math/big"
)

// Python ints are unbounded. gplay keeps int64 and switches to *big.Int
// only for results outside its range (2 ** 64, a huge literal); every
// *big.Int here is outside the int64 range, so int64 and *big.Int never
// hold the same number.

func normInt(b *big.Int) any {
	if b.IsInt64() {
		return b.Int64()
	}
	return b
}

// toBig returns an int-like value (bool, int64, *big.Int) as *big.Int.
func toBig(v any) (*big.Int, bool) {
	switch t := v.(type) {
	case *big.Int:
		return t, true
	}
	if i, ok := toInt(v); ok {
		return big.NewInt(i), true
	}
	return nil, false
}

func bigFloat(b *big.Int) float64 {
	f, _ := new(big.Float).SetInt(b).Float64()
	return f
}

func bigIntOp(op string, a, b *big.Int) (any, error) {
	r := new(big.Int)
	switch op {
	case "+":
		r.Add(a, b)
	case "-":
		r.Sub(a, b)
	case "*":
		if err := sizeErr(int64(a.BitLen()+b.BitLen()) / 64); err != nil {
			return nil, err
		}
		r.Mul(a, b)
	case "/":
		if b.Sign() == 0 {
			return nil, zeroDiv("division by zero")
		}
		q, _ := new(big.Rat).SetFrac(a, b).Float64()
		return q, nil
	case "//", "%":
		if b.Sign() == 0 {
			if op == "%" {
				return nil, zeroDiv("integer modulo by zero")
			}
			return nil, zeroDiv("integer division or modulo by zero")
		}
		q, m := new(big.Int).DivMod(a, b, new(big.Int)) // Euclidean: m >= 0
		if m.Sign() != 0 && b.Sign() < 0 {
			q.Add(q, big.NewInt(1))
			m.Add(m, b)
		}
		if op == "//" {
			return normInt(q), nil
		}
		return normInt(m), nil
	case "**":
		if b.Sign() < 0 {
			return math.Pow(bigFloat(a), bigFloat(b)), nil
		}
		if !b.IsInt64() || int64(a.BitLen())*b.Int64() > 1<<20 {
			return nil, sizeErr(maxSize + 1)
		}
		r.Exp(a, b, nil)
	default:
		return nil, rtErr("bad operator %s", op)
	}
	return normInt(r), nil
}
