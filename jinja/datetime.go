package jinja

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gplay/pyval"
)

// datetime is Python's datetime.datetime (naive), as returned by
// to_datetime and now().
type datetime struct{ t time.Time }

// timedelta is Python's datetime.timedelta.
type timedelta struct{ d time.Duration }

func (d *datetime) String() string {
	s := d.t.Format("2006-01-02 15:04:05")
	if us := d.t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

func (td timedelta) String() string {
	us := td.d.Microseconds()
	days := us / (86400 * 1e6)
	rem := us % (86400 * 1e6)
	if rem < 0 {
		rem += 86400 * 1e6
		days--
	}
	secs := rem / 1e6
	s := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if f := rem % 1e6; f != 0 {
		s += fmt.Sprintf(".%06d", f)
	}
	if days != 0 {
		unit := "day"
		if days != 1 && days != -1 {
			unit = "days"
		}
		s = fmt.Sprintf("%d %s, %s", days, unit, s)
	}
	return s
}

func (td timedelta) attr(name string) (any, bool) {
	us := td.d.Microseconds()
	days := us / (86400 * 1e6)
	rem := us % (86400 * 1e6)
	if rem < 0 {
		rem += 86400 * 1e6
		days--
	}
	switch name {
	case "days":
		return days, true
	case "seconds":
		return rem / 1e6, true
	case "microseconds":
		return rem % 1e6, true
	case "total_seconds":
		return &function{name: "total_seconds", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			return float64(us) / 1e6, nil
		}}, true
	}
	return nil, false
}

func (d *datetime) attr(name string) (any, bool) {
	t := d.t
	switch name {
	case "year":
		return int64(t.Year()), true
	case "month":
		return int64(t.Month()), true
	case "day":
		return int64(t.Day()), true
	case "hour":
		return int64(t.Hour()), true
	case "minute":
		return int64(t.Minute()), true
	case "second":
		return int64(t.Second()), true
	case "microsecond":
		return int64(t.Nanosecond() / 1000), true
	case "strftime":
		return &function{name: "strftime", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			if len(args) != 1 {
				return nil, typeErr("strftime() takes exactly one argument")
			}
			f, err := toText(args[0])
			if err != nil {
				return nil, err
			}
			return strftime(t, f), nil
		}}, true
	case "weekday":
		return &function{name: "weekday", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			return int64((int(t.Weekday()) + 6) % 7), nil
		}}, true
	case "isoformat":
		return &function{name: "isoformat", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			return strings.Replace(d.String(), " ", "T", 1), nil
		}}, true
	case "timestamp":
		return &function{name: "timestamp", fn: func(s *state, args []any, kw *kwargs) (any, error) {
			local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.Local)
			return float64(local.UnixMicro()) / 1e6, nil
		}}, true
	}
	return nil, false
}

func timeOp(op string, a, b any) (any, bool, error) {
	da, aDT := a.(*datetime)
	db, bDT := b.(*datetime)
	ta, aTD := a.(timedelta)
	tb, bTD := b.(timedelta)
	if !aDT && !bDT && !aTD && !bTD {
		return nil, false, nil
	}
	switch {
	case op == "-" && aDT && bDT:
		return timedelta{d: da.t.Sub(db.t)}, true, nil
	case op == "-" && aDT && bTD:
		return &datetime{t: da.t.Add(-tb.d)}, true, nil
	case op == "+" && aDT && bTD:
		return &datetime{t: da.t.Add(tb.d)}, true, nil
	case op == "+" && aTD && bDT:
		return &datetime{t: db.t.Add(ta.d)}, true, nil
	case op == "+" && aTD && bTD:
		return timedelta{d: ta.d + tb.d}, true, nil
	case op == "-" && aTD && bTD:
		return timedelta{d: ta.d - tb.d}, true, nil
	}
	if op == "~" {
		return nil, false, nil
	}
	return nil, true, typeErr("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(a), typeName(b))
}

var weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// strftime formats t with Python's (C's) directives.
func strftime(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			b.WriteString(strconv.Itoa(t.Year()))
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(&b, "%02d", h)
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'a':
			b.WriteString(weekdays[t.Weekday()][:3])
		case 'A':
			b.WriteString(weekdays[t.Weekday()])
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'b', 'h':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 'c':
			b.WriteString(t.Format("Mon Jan  2 15:04:05 2006"))
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'U':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-int(t.Weekday()))/7)
		case 'W':
			fmt.Fprintf(&b, "%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// strptime parses s with Python directives (the common subset).
func strptime(s, f string) (time.Time, error) {
	year, month, day, hour, minute, sec, us := 1900, 1, 1, 0, 0, 0, 0
	pm := -1
	si := 0
	num := func(maxDigits int) (int, bool) {
		j := si
		for j < len(s) && j < si+maxDigits && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == si {
			return 0, false
		}
		n, _ := strconv.Atoi(s[si:j])
		si = j
		return n, true
	}
	fail := func() (time.Time, error) {
		return time.Time{}, rtErr("time data %s does not match format %s", pyQuote(s), pyQuote(f))
	}
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			if f[i] == ' ' {
				for si < len(s) && s[si] == ' ' {
					si++
				}
				continue
			}
			if si >= len(s) || s[si] != f[i] {
				return fail()
			}
			si++
			continue
		}
		i++
		var ok bool
		switch f[i] {
		case 'Y':
			year, ok = num(4)
		case 'y':
			year, ok = num(2)
			if year < 69 {
				year += 2000
			} else {
				year += 1900
			}
		case 'm':
			month, ok = num(2)
		case 'd':
			day, ok = num(2)
		case 'H':
			hour, ok = num(2)
		case 'I':
			hour, ok = num(2)
		case 'M':
			minute, ok = num(2)
		case 'S':
			sec, ok = num(2)
		case 'f':
			start := si
			us, ok = num(6)
			for k := si - start; k < 6; k++ {
				us *= 10
			}
		case 'p':
			if si+2 <= len(s) {
				switch strings.ToUpper(s[si : si+2]) {
				case "AM":
					pm, ok = 0, true
				case "PM":
					pm, ok = 1, true
				}
				si += 2
			}
		case 'b', 'B':
			for m := 1; m <= 12; m++ {
				name := time.Month(m).String()
				if strings.HasPrefix(strings.ToLower(s[si:]), strings.ToLower(name)) {
					month, ok = m, true
					si += len(name)
					break
				}
				if strings.HasPrefix(strings.ToLower(s[si:]), strings.ToLower(name[:3])) {
					month, ok = m, true
					si += 3
					break
				}
			}
		case '%':
			ok = si < len(s) && s[si] == '%'
			si++
		default:
			return fail()
		}
		if !ok {
			return fail()
		}
	}
	if si != len(s) {
		return time.Time{}, rtErr("unconverted data remains: %s", s[si:])
	}
	if pm == 1 && hour < 12 {
		hour += 12
	} else if pm == 0 && hour == 12 {
		hour = 0
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 61 {
		return fail()
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, us*1000, time.UTC), nil
}

func fToDatetime(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("to_datetime", args, kw, []string{"format"}, "%Y-%m-%d %H:%M:%S")
	if err != nil {
		return nil, err
	}
	str, err := toText(v)
	if err != nil {
		return nil, err
	}
	f, _ := asStr(a[0])
	t, err := strptime(str, f)
	if err != nil {
		return nil, err
	}
	return &datetime{t: t}, nil
}

func fStrftime(s *state, v any, args []any, kw *kwargs) (any, error) {
	a, err := bind("strftime", args, kw, []string{"second", "utc"}, nil, false)
	if err != nil {
		return nil, err
	}
	f, err := toText(v)
	if err != nil {
		return nil, err
	}
	t := s.env.now()
	if a[0] != nil {
		sec, ok := toFloat(a[0])
		if !ok {
			str, _ := asStr(a[0])
			if sec, ok = pyFloat(str); !ok {
				return nil, rtErr("Invalid value for epoch value (%s)", pyStr(a[0]))
			}
		}
		t = time.Unix(0, int64(sec*1e9))
	}
	if pyval.Truth(a[1]) {
		t = t.UTC()
	} else {
		t = t.Local()
	}
	return strftime(t, f), nil
}
