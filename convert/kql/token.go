package kql

// token is the kind of a lexical token. Word operators (and, contains,
// has_any, in~, ...) and keywords are tIdent: KQL reserves very few words,
// so the parser decides what a name means from where it stands.
type token int

const (
	tEOF      token = iota
	tIllegal        // a character or literal the scanner could not read; already reported
	tIdent          // a name, keyword or word operator; "in~" keeps its tilde
	tBangWord       // !contains, !has, !in~, ...: "!" glued to a word
	tInt            // 42, 0x2A
	tReal           // 4.5, 1., 1e3
	tTimespan       // 1d, 5m, 100ms, 1.5h
	tString         // '..', "..", @"..", h'..', ```..```

	tLParen   // (
	tRParen   // )
	tLBrack   // [
	tRBrack   // ]
	tLBrace   // {
	tRBrace   // }
	tComma    // ,
	tSemi     // ;
	tColon    // :
	tDot      // .
	tDotDot   // ..
	tPipe     // |
	tAssign   // =
	tEq       // ==
	tNeq      // !=
	tLtGt     // <>
	tEqTilde  // =~
	tNotTilde // !~
	tLt       // <
	tLe       // <=
	tGt       // >
	tGe       // >=
	tPlus     // +
	tMinus    // -
	tStar     // *
	tSlash    // /
	tPercent  // %
)

var tokenText = [...]string{
	tEOF: "end of query", tIllegal: "illegal token", tIdent: "name", tBangWord: "operator",
	tInt: "number", tReal: "number", tTimespan: "timespan", tString: "string",
	tLParen: "'('", tRParen: "')'", tLBrack: "'['", tRBrack: "']'", tLBrace: "'{'", tRBrace: "'}'",
	tComma: "','", tSemi: "';'", tColon: "':'", tDot: "'.'", tDotDot: "'..'", tPipe: "'|'",
	tAssign: "'='", tEq: "'=='", tNeq: "'!='", tLtGt: "'<>'", tEqTilde: "'=~'", tNotTilde: "'!~'",
	tLt: "'<'", tLe: "'<='", tGt: "'>'", tGe: "'>='", tPlus: "'+'", tMinus: "'-'",
	tStar: "'*'", tSlash: "'/'", tPercent: "'%'",
}

func (t token) String() string {
	if int(t) < len(tokenText) {
		return tokenText[t]
	}
	return "token"
}

// timespanUnits are the suffixes that turn a number into a timespan
// literal. The documented ones (d, h, m, s, ms, microsecond, tick) are from
// https://learn.microsoft.com/azure/kusto/query/scalar-data-types/timespan;
// the long forms (min, hr, days, ...) are the ones Kusto.Language 12.4.1
// accepts, checked by running it on "print 1min, 2days, 3hr, 1sec, 5ticks".
var timespanUnits = map[string]bool{
	"d": true, "day": true, "days": true,
	"h": true, "hr": true, "hrs": true, "hour": true, "hours": true,
	"m": true, "min": true, "minute": true, "minutes": true,
	"s": true, "sec": true, "second": true, "seconds": true,
	"ms": true, "milli": true, "millis": true, "millisecond": true, "milliseconds": true,
	"microsecond": true, "microseconds": true,
	"tick": true, "ticks": true,
}

// negatableOps are the word operators that "!" may precede (!contains,
// !in~, ...), from the string operators page
// https://learn.microsoft.com/azure/kusto/query/datatypes-string-operators
// and the between/in pages.
var negatableOps = map[string]bool{
	"contains": true, "contains_cs": true, "has": true, "has_cs": true,
	"hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"in": true, "in~": true, "between": true,
}

// stringOps are the binary word operators that compare strings; each but
// has_any/has_all/in has a "!" form in negatableOps.
var stringOps = map[string]bool{
	"contains": true, "contains_cs": true, "has": true, "has_cs": true,
	"hasprefix": true, "hasprefix_cs": true, "hassuffix": true, "hassuffix_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
}

// setOps are the operators written X op (list): InExpr.
var setOps = map[string]bool{
	"in": true, "in~": true, "!in": true, "!in~": true, "has_any": true, "has_all": true,
}

// literalTypes are the type names that make a typed literal when followed
// by "(": datetime(...), int(null), dynamic([...]). time and date are
// Kusto's aliases of timespan and datetime.
var literalTypes = map[string]bool{
	"datetime": true, "date": true, "timespan": true, "time": true,
	"int": true, "long": true, "real": true, "double": true, "decimal": true,
	"bool": true, "boolean": true, "guid": true, "dynamic": true,
}

// scalarTypes maps the type names accepted in declarations (function
// parameters, externaldata/datatable schemas, typeof) to the canonical
// name Kusto reports. From
// https://learn.microsoft.com/azure/kusto/query/scalar-data-types/
var scalarTypes = map[string]string{
	"bool": "bool", "boolean": "bool",
	"datetime": "datetime", "date": "datetime",
	"dynamic": "dynamic",
	"guid":    "guid", "uuid": "guid", "uniqueid": "guid",
	"int": "int", "int32": "int",
	"long": "long", "int64": "long",
	"real": "real", "double": "real",
	"string":   "string",
	"timespan": "timespan", "time": "timespan",
	"decimal": "decimal",
}
