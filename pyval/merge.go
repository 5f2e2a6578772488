package pyval

// MergeHash is Ansible's merge_hash: a copy of x with y's entries laid
// over it. With recursive, dicts present in both are merged the same way;
// listMerge says what happens to lists present in both (replace, keep,
// append, prepend, append_rp, prepend_rp; rp drops x's items that y has).
func MergeHash(x, y *Dict, recursive bool, listMerge string) *Dict {
	if x.Len() == 0 || Equal(x, y) {
		return y.Copy()
	}
	x = x.Copy()
	if !recursive && listMerge == "replace" {
		y.Range(func(k, v any) bool { x.Set(k, v); return true })
		return x
	}
	y.Range(func(k, yv any) bool {
		xv, ok := x.Get(k)
		if !ok {
			x.Set(k, yv)
			return true
		}
		xd, xIsD := xv.(*Dict)
		yd, yIsD := yv.(*Dict)
		if xIsD && yIsD {
			if recursive {
				x.Set(k, MergeHash(xd, yd, recursive, listMerge))
			} else {
				x.Set(k, yv)
			}
			return true
		}
		xl, xIsL := xv.(*List)
		yl, yIsL := yv.(*List)
		if xIsL && yIsL {
			x.Set(k, mergeLists(xl, yl, listMerge))
			return true
		}
		x.Set(k, yv)
		return true
	})
	return x
}

func mergeLists(xl, yl *List, how string) any {
	notIn := func(a, b []any) []any {
		var out []any
		for _, z := range a {
			found := false
			for _, w := range b {
				if Equal(z, w) {
					found = true
					break
				}
			}
			if !found {
				out = append(out, z)
			}
		}
		return out
	}
	switch how {
	case "keep":
		return xl
	case "append":
		return NewList(append(append([]any{}, xl.Items...), yl.Items...)...)
	case "prepend":
		return NewList(append(append([]any{}, yl.Items...), xl.Items...)...)
	case "append_rp":
		return NewList(append(notIn(xl.Items, yl.Items), yl.Items...)...)
	case "prepend_rp":
		return NewList(append(append([]any{}, yl.Items...), notIn(xl.Items, yl.Items)...)...)
	}
	return yl
}

// SetVar sets key to v in d as Ansible's set_variable does: with merge
// (hash_behaviour=merge), a dict value over an existing dict is merged
// recursively; otherwise it replaces.
func SetVar(d *Dict, key, v any, merge bool) {
	if merge {
		if old, ok := d.Get(key); ok {
			od, ok1 := old.(*Dict)
			nd, ok2 := v.(*Dict)
			if ok1 && ok2 {
				d.Set(key, MergeHash(od, nd, true, "replace"))
				return
			}
		}
	}
	d.Set(key, v)
}

// CombineVars lays b's entries over a's in place, as Ansible's combine_vars
// with hash_behaviour replace (merge false) or merge (merge true).
func CombineVars(a, b *Dict, merge bool) {
	b.Range(func(k, v any) bool {
		SetVar(a, k, v, merge)
		return true
	})
}
