// Package insightsengine parses and runs CloudWatch Logs Insights queries
// (Logs Insights QL) over CloudTrail records, so that ruleport can prove a
// generated query right without an AWS account. No Logs Insights engine
// exists outside AWS; this one follows the AWS CloudWatch Logs user guide's
// query-syntax pages command by command, and every place where the pages
// are silent is a choice written in a comment that begins "Guess:" and
// pinned by a test.
//
// It takes query text, as CloudWatch would, and never imports convert/:
// sharing the emitter's structures would let a printer bug hide itself.
//
// # Sources
//
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/ pages
// CWL_QuerySyntax.html (commands, comments, backticks, aliases, regular
// expressions in filter), CWL_QuerySyntax-Fields, -Filter, -Stats, -Parse,
// -Sort, -Limit, -Dedup, -Display and -Where,
// CWL_QuerySyntax-operations-functions.html (operators, structure types,
// datetime, general, JSON, IP and string functions) and
// CWL_AnalyzeLogData-discoverable-fields.html
// (system fields, dotted JSON fields, the 200-field limit,
// jsonParse(field).member). Tests quote the examples of each page with
// their documented results.
//
// # Input
//
// One log event per record (logs.ToLogEvent): @message is the record's
// JSON text; @timestamp is its eventTime, not the delivery time CloudWatch
// would record, so that time ranges and bin() see event time; @logStream is
// "<recipientAccountId>_CloudTrail_<awsRegion>"; discovered fields are the
// first 200 JSON leaves in document order. A query that reads a
// discovered field past the limit sees it missing, as CloudWatch would;
// generated queries read nested values through jsonParse(@message).
//
// # Results
//
// Run returns an alerts.Table with the query's output columns (the last
// display; else the last stats' by fields and aggregates plus fields added
// after it; else every fields command's fields; else @timestamp and
// @message) and values nil, string, float64 (Logs Insights numbers are
// doubles; alerts prints an integral double as an integer) or time.Time.
// Booleans come back as 1 or 0, maps and lists as JSON text. Rows are in
// alerts' canonical order; sort and limit decide which rows are kept.
//
// # Guesses
//
// Where the documents are silent the engine chooses as follows (each at
// its "Guess:" comment, with the reason):
//   - Values: a null and a missing field are one thing; a boolean is 1 or
//     0 in arithmetic, text and results; text holding a decimal number is a
//     number in arithmetic and numeric functions.
//   - Comparisons: with a missing operand every comparison is false (so
//     x != 5 drops events without x), "not" of false is true; a number
//     against numeric text compares numerically, two strings as text, and
//     other mixed pairs (number and other text, timestamp and
//     non-timestamp) are unordered, so only != holds.
//   - like, not like and in with a missing value are false.
//   - filter keeps true and non-zero numbers, drops everything else.
//   - Arithmetic with a missing or non-numeric operand, or dividing by
//     zero, is null; so are numeric functions without a finite result.
//   - Operator precedence: or < and < not < comparisons < + - < * / % < ^
//     (right-associative) < unary minus and "!" < member access; "!" is
//     not; bare true and false are booleans; number literals have no
//     exponent; strings take \", \', \\, \n, \r, \t escapes.
//   - Member access: a field the query assigned wins over system and
//     discovered fields at any prefix; only brackets index a list (list.0
//     is null); a bad index is null.
//   - One fields command's items all read the command's input.
//   - parse glob: searched anywhere in the value, each * lazy except a
//     trailing one, which takes the rest; * spans newlines.
//   - Aggregates: sum, avg and stddev of no number are null; stddev is the
//     sample deviation; pct is the nearest-rank percentile; earliest and
//     latest skip missing values, first event wins ties; count_distinct is
//     exact; a stats over no rows emits nothing; by fields come first in
//     the output.
//   - Grouping and dedup keys keep types apart ("4" and 4 differ).
//   - Sort: a missing value sorts first ascending; a timestamp sorts as
//     its epoch milliseconds; ascending is the default.
//   - limit and dedup on unsorted events take the most recent first;
//     beyond 10,000 rows the first 10,000 in that order are kept.
//   - Time: d, w, mo, q and y periods have no cap (at most 100000); weeks
//     start on Monday; months, quarters and years are calendar periods;
//     dateceil of a boundary stays; bin of an event without @timestamp is
//     null; now() is Options.End and needs it; toMillis of anything but a
//     timestamp is null; fromMillis beyond year 9999 is null.
//   - Functions: string functions of a missing value are null except
//     isempty and isblank; concat skips missing parts; substr counts code
//     points; replace with an empty search does nothing; round halves away
//     from zero; toInt and toLong truncate toward zero and are null out of
//     range (the KQL toint decision); greatest and least skip missing
//     values; jsonParse of a non-string and jsonStringify of a non-map are
//     null; an IPv6 zone is not a valid address; a regexReplace pattern
//     that does not compile gives null.
//   - Input: @ingestionTime equals @timestamp; @log names the group
//     CloudTrail/DefaultLogGroup; discovery keeps the first 200 leaves in
//     document order, counts a JSON null as a leaf and yields nothing for
//     an empty object or array.
//
// # Not supported
//
// These are positioned errors that wrap ErrUnsupported, never wrong
// answers: the commands pattern, diff, anomaly, filterIndex, unnest,
// expand, join, lookup, SOURCE, head, tail, addtotals, relevantfields and
// json; parse in logfmt, csv and multi-match modes; the functions
// haversine, parseDate, formatDate, strftime, messageSize, queryTimeRange,
// jsonArraySize, jsonArrayContains, ipv4ToNumber, isPrivateIP, isPublicIP,
// isReservedIP, urlencode, urldecode, base64encode, base64decode, split,
// hexToAscii, hexToDec, decToHex, the time-series aggregates and hashing.
// Regular expressions are Go's RE2: a lookaround or backreference is a
// positioned error.
package insightsengine
