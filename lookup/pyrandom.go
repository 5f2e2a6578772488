package lookup

import (
	"crypto/rand"
	"crypto/sha512"
	"math/big"
)

// pyRandom is CPython's random.Random (MT19937) as far as the password
// lookup uses it: seeding from a str (version 2: the bytes followed by
// their SHA-512) and choice(). A seeded password must be the one Ansible
// generates from the same seed, or switching tools would change passwords.
type pyRandom struct {
	mt  [624]uint32
	idx int
}

func newPyRandom(seed string) *pyRandom {
	b := []byte(seed)
	sum := sha512.Sum512(b)
	b = append(b, sum[:]...)
	// int.from_bytes(b, "big"), then split into 32-bit words, least
	// significant first, as init_by_array receives them
	n := new(big.Int).SetBytes(b)
	var key []uint32
	mask := big.NewInt(0xffffffff)
	for n.Sign() > 0 {
		key = append(key, uint32(new(big.Int).And(n, mask).Uint64()))
		n.Rsh(n, 32)
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r := &pyRandom{}
	r.initByArray(key)
	return r
}

func (r *pyRandom) initGenrand(s uint32) {
	r.mt[0] = s
	for i := 1; i < 624; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.idx = 624
}

func (r *pyRandom) initByArray(key []uint32) {
	r.initGenrand(19650218)
	i, j := 1, 0
	k := max(624, len(key))
	for ; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= 624 {
			r.mt[0] = r.mt[623]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = 623; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= 624 {
			r.mt[0] = r.mt[623]
			i = 1
		}
	}
	r.mt[0] = 0x80000000
}

func (r *pyRandom) uint32() uint32 {
	if r.idx >= 624 {
		for kk := 0; kk < 624; kk++ {
			y := (r.mt[kk] & 0x80000000) | (r.mt[(kk+1)%624] & 0x7fffffff)
			v := r.mt[(kk+397)%624] ^ (y >> 1)
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			r.mt[kk] = v
		}
		r.idx = 0
	}
	y := r.mt[r.idx]
	r.idx++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// below is Random._randbelow_with_getrandbits(n) for n < 2**32.
func (r *pyRandom) below(n int) int {
	k := 0
	for x := n; x > 0; x >>= 1 {
		k++
	}
	for {
		v := int(r.uint32() >> (32 - k))
		if v < n {
			return v
		}
	}
}

// randomString is Ansible's random_password: length characters chosen
// from chars, by a seeded pyRandom or, without a seed, the system's
// CSPRNG (SystemRandom).
func randomString(length int, chars []rune, seed *string) (string, error) {
	if len(chars) == 0 {
		if length == 0 {
			return "", nil
		}
		return "", &Error{Kind: KindOther, Class: "IndexError", Msg: "Cannot choose from an empty sequence"}
	}
	out := make([]rune, 0, max(length, 0))
	var pr *pyRandom
	if seed != nil {
		pr = newPyRandom(*seed)
	}
	for i := 0; i < length; i++ {
		var n int
		if pr != nil {
			n = pr.below(len(chars))
		} else {
			v, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
			if err != nil {
				return "", err
			}
			n = int(v.Int64())
		}
		out = append(out, chars[n])
	}
	return string(out), nil
}
