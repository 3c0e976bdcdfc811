// Package convert is ruleport's compiler: rule text in, artifacts out. Its
// subpackages are pure functions without I/O; this package holds what they
// share: positions in the rule file, diagnostics and the unsupported marker.
package convert

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnsupported marks a construct that a backend cannot express. Backends
// wrap it in a positioned Diagnostic so the CLI can report the construct per
// target and carry on with the others.
var ErrUnsupported = errors.New("unsupported")

// Pos is a 1-based line and column (in bytes) in a rule file. The zero Pos
// means "no position".
type Pos struct {
	Line, Col int
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Severity says whether a diagnostic stops a conversion.
type Severity int

const (
	// SevError makes the input unusable for the target that reported it.
	SevError Severity = iota
	// SevWarning is worth a reader's attention but does not stop anything.
	SevWarning
)

// Diagnostic is one finding about a rule file, printed as
// "file:line:col: message" (with "warning: " before warnings' messages).
type Diagnostic struct {
	File     string
	Pos      Pos
	Severity Severity
	Msg      string
	// Err is an underlying error, such as ErrUnsupported, for errors.Is.
	Err error
}

// Error formats the diagnostic the way compilers do, so editors can jump to it.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		b.WriteByte(':')
	}
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, "%d:%d:", d.Pos.Line, d.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if d.Severity == SevWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Unwrap exposes Err to errors.Is and errors.As.
func (d *Diagnostic) Unwrap() error { return d.Err }

// Errorf returns an error Diagnostic at pos in file.
func Errorf(file string, pos Pos, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// Unsupportedf returns an error Diagnostic that wraps ErrUnsupported.
func Unsupportedf(file string, pos Pos, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...), Err: ErrUnsupported}
}

// Warningf returns a warning Diagnostic at pos in file.
func Warningf(file string, pos Pos, format string, args ...any) *Diagnostic {
	return &Diagnostic{File: file, Pos: pos, Severity: SevWarning, Msg: fmt.Sprintf(format, args...)}
}

// Diagnostics is a list of findings, like go/scanner's ErrorList: parsers
// keep going after the first problem and report them all.
type Diagnostics []*Diagnostic

// Add appends d.
func (l *Diagnostics) Add(d *Diagnostic) { *l = append(*l, d) }

// Sort orders by file, line, column, then message, for stable output.
func (l Diagnostics) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Msg < b.Msg
	})
}

// HasErrors reports whether any diagnostic is an error, not a warning.
func (l Diagnostics) HasErrors() bool {
	for _, d := range l {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Errors returns only the error diagnostics.
func (l Diagnostics) Errors() Diagnostics { return l.filter(SevError) }

// Warnings returns only the warning diagnostics.
func (l Diagnostics) Warnings() Diagnostics { return l.filter(SevWarning) }

func (l Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range l {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Error prints one diagnostic per line.
func (l Diagnostics) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns l as an error when it holds at least one error, else nil.
func (l Diagnostics) Err() error {
	if l.HasErrors() {
		return l
	}
	return nil
}

// Unwrap lets errors.Is find ErrUnsupported inside any member.
func (l Diagnostics) Unwrap() []error {
	out := make([]error, len(l))
	for i, d := range l {
		out[i] = d
	}
	return out
}
