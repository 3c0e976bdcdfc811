package kql

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tok is a scanned token as the tests compare it: kind, source text and,
// for strings, the decoded value.
type tok struct {
	Tok token
	Lit string
	Val string
}

func scanAll(src string) ([]tok, ErrorList) {
	var errs ErrorList
	s := scanner{src: src, errs: &errs}
	var out []tok
	for {
		t := s.next()
		if t.tok == tEOF {
			return out, errs
		}
		out = append(out, tok{t.tok, t.lit, t.val})
	}
}

func TestScanner(t *testing.T) {
	// Expected tokens are worked out from the lexical rules each case
	// cites; Kusto.Language 12.4.1 was run on the same texts to confirm
	// the edge cases ("1..2", "1.", "in~", h-strings, adjacent strings).
	cases := []struct {
		name string
		src  string
		want []tok
	}{
		{"names and pipes", "T | where a", []tok{{tIdent, "T", ""}, {tPipe, "|", ""}, {tIdent, "where", ""}, {tIdent, "a", ""}}},
		{"dollar names", "$left.a", []tok{{tIdent, "$left", ""}, {tDot, ".", ""}, {tIdent, "a", ""}}},
		{"in tilde is one word", "x in~ (y)", []tok{{tIdent, "x", ""}, {tIdent, "in~", ""}, {tLParen, "(", ""}, {tIdent, "y", ""}, {tRParen, ")", ""}}},
		{"negated words", "!contains !in~ !between", []tok{{tBangWord, "!contains", ""}, {tBangWord, "!in~", ""}, {tBangWord, "!between", ""}}},
		{"comparison operators", "== != =~ !~ <> <= >= < > =", []tok{{tEq, "==", ""}, {tNeq, "!=", ""}, {tEqTilde, "=~", ""}, {tNotTilde, "!~", ""}, {tLtGt, "<>", ""}, {tLe, "<=", ""}, {tGe, ">=", ""}, {tLt, "<", ""}, {tGt, ">", ""}, {tAssign, "=", ""}}},
		// "1..2" is 1, "..", 2; "1." and "1.e3" are reals (Kusto.Language).
		{"range dots", "1..2", []tok{{tInt, "1", ""}, {tDotDot, "..", ""}, {tInt, "2", ""}}},
		{"reals", "4.0 1. 1.e3 1e3 1.5e-3 2E+2", []tok{{tReal, "4.0", ""}, {tReal, "1.", ""}, {tReal, "1.e3", ""}, {tReal, "1e3", ""}, {tReal, "1.5e-3", ""}, {tReal, "2E+2", ""}}},
		{"hex", "0x1F", []tok{{tInt, "0x1F", ""}}},
		// timespan page: d, h, m, s, ms, microsecond, tick; long forms accepted by Kusto.Language.
		{"timespans", "14d 1.5h 30m 10s 100ms 10microsecond 1tick 1min 2days", []tok{{tTimespan, "14d", ""}, {tTimespan, "1.5h", ""}, {tTimespan, "30m", ""}, {tTimespan, "10s", ""}, {tTimespan, "100ms", ""}, {tTimespan, "10microsecond", ""}, {tTimespan, "1tick", ""}, {tTimespan, "1min", ""}, {tTimespan, "2days", ""}}},
		// string page: backslash escapes in '..' and "..", none in verbatim @'..' where the quote doubles.
		{"escaped strings", `'it\'s' "a\"b" "t\tn\n\\"`, []tok{{tString, `'it\'s'`, "it's"}, {tString, `"a\"b"`, `a"b`}, {tString, `"t\tn\n\\"`, "t\tn\n\\"}}},
		{"verbatim strings", `@'C:\x' @"say ""hi"""`, []tok{{tString, `@'C:\x'`, `C:\x`}, {tString, `@"say ""hi"""`, `say "hi"`}}},
		{"obfuscated strings", `h'a' H"b" h@'c\d'`, []tok{{tString, "h'a'", "a"}, {tString, `H"b"`, "b"}, {tString, `h@'c\d'`, `c\d`}}},
		{"multi-line string", "```a\nb```", []tok{{tString, "```a\nb```", "a\nb"}}},
		{"unicode escapes", `"\u0041\x41"`, []tok{{tString, `"\u0041\x41"`, "AA"}}},
		{"comments are skipped", "a // note | b\nc", []tok{{tIdent, "a", ""}, {tIdent, "c", ""}}},
		{"brackets", "([{}])", []tok{{tLParen, "(", ""}, {tLBrack, "[", ""}, {tLBrace, "{", ""}, {tRBrace, "}", ""}, {tRBrack, "]", ""}, {tRParen, ")", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := scanAll(c.src)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("tokens of %q (-want +got):\n%s", c.src, d)
			}
		})
	}
}

func TestScannerErrors(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{`"abc`, []string{"offset 0: string literal not terminated"}},
		{"'ab\ncd'", []string{"offset 0: string literal not terminated", "offset 6: string literal not terminated"}},
		{`"a\qb"`, []string{`offset 2: unknown escape sequence \q`}},
		{"1w", []string{`offset 0: malformed number "1w"`}},
		{"a # b", []string{"offset 2: unexpected character '#'"}},
		{"a ! b", []string{"offset 2: unexpected '!': KQL negates with not(), != or !operator"}},
		{"a !foo b", []string{`offset 2: unknown operator "!foo"`}},
		{"```abc", []string{"offset 0: string literal not terminated"}},
	}
	for _, c := range cases {
		_, errs := scanAll(c.src)
		var got []string
		for _, e := range errs {
			got = append(got, e.Error())
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("errors of %q (-want +got):\n%s", c.src, d)
		}
	}
}

func TestCommentsRecorded(t *testing.T) {
	q, errs := Parse("// first\nT // second\n| take 1")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []*Comment{{Slash: 0, Text: "// first"}, {Slash: 11, Text: "// second"}}
	if d := cmp.Diff(want, q.Comments); d != "" {
		t.Errorf("comments (-want +got):\n%s", d)
	}
}
