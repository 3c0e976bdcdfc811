// Package rule is ruleport's model of a Microsoft Sentinel analytic rule:
// one Rule type for both source formats (the Azure-Sentinel repository's
// YAML and ARM templates holding alertRules resources), the readers that
// fill it while remembering where every field was written, the writers for
// YAML and ARM, and the validation rules of ../shared/TARGETS.md §1.
//
// Positions matter more than anywhere else here: every later stage reports
// problems as "rule.yaml:31:17: ...", so the readers keep the line and
// column of each field (FieldPos, KeyPos) and a map from byte offsets in
// the query to the rule file (QueryPos), through YAML block scalars and
// JSON string escapes alike.
//
// The package does no I/O: Load takes the file's bytes.
package rule

import (
	"sort"
	"strings"
	"time"

	"github.com/ruleport/ruleport/convert"
	"gopkg.in/yaml.v3"
)

// Format is the syntax a rule was read from.
type Format int

// The formats Load understands.
const (
	FormatYAML Format = iota + 1 // Azure-Sentinel repository YAML
	FormatARM                    // ARM template with alertRules resources
)

// String names the format for messages.
func (f Format) String() string {
	switch f {
	case FormatYAML:
		return "YAML"
	case FormatARM:
		return "ARM"
	}
	return "unknown"
}

// Rule kinds ruleport handles.
const (
	KindScheduled = "Scheduled"
	KindNRT       = "NRT"
)

// Rule is one analytic rule, whichever format it came from. Fields hold
// values as the rule states them; enum fields are not normalised beyond
// what the formats define as equal (the YAML trigger operator "gt" is
// stored as its ARM name "GreaterThan"), so that Validate can report a
// wrong value as written.
type Rule struct {
	// File is the path the rule was loaded from, as given to Load.
	File string
	// Format is the syntax File is written in.
	Format Format

	ID          string // YAML id; ARM resource name GUID
	Name        string // YAML name; ARM displayName
	Description string
	Severity    string
	Kind        string // KindScheduled or KindNRT as written
	// Query is the KQL text byte for byte as the file encodes it.
	Query string
	// QueryFrequency and QueryPeriod are zero when absent (always for
	// NRT rules).
	QueryFrequency time.Duration
	QueryPeriod    time.Duration
	// TriggerOperator is the ARM name (GreaterThan, LessThan, Equal,
	// NotEqual) when the file used a known spelling, else as written.
	TriggerOperator  string
	TriggerThreshold int
	Tactics          []string
	// Techniques are the YAML relevantTechniques as written, sub-techniques
	// (T1078.004) included; from ARM, techniques and subTechniques merged.
	Techniques []string
	Version    string // YAML version; ARM templateVersion

	// Status, RequiredDataConnectors, Tags and Metadata exist only in the
	// YAML format; ARM alertRules properties have no place for them.
	Status                 string
	RequiredDataConnectors []DataConnector
	Tags                   *yaml.Node // the YAML tags value, comments stripped
	Metadata               *yaml.Node // the YAML metadata value, comments stripped

	EntityMappings           []EntityMapping
	SentinelEntitiesMappings []SentinelEntityMapping
	// CustomDetails keep the order the file wrote them in.
	CustomDetails         []CustomDetail
	AlertDetailsOverride  *AlertDetailsOverride
	EventGroupingSettings *EventGroupingSettings
	IncidentConfiguration *IncidentConfiguration

	// Enabled, SuppressionEnabled and SuppressionDuration are ARM
	// properties; nil or zero means "not stated", written as the defaults
	// of the seed ARM (enabled, suppression off for PT1H).
	Enabled             *bool
	SuppressionEnabled  *bool
	SuppressionDuration time.Duration
	// OriginalURI is the ARM OriginalUri property, when the template had one.
	OriginalURI string

	start  convert.Pos            // where the rule begins in File
	pos    map[string]convert.Pos // value positions by field path
	keyPos map[string]convert.Pos // key positions by field path
	query  []querySeg             // offset map of Query into File
}

// DataConnector is one requiredDataConnectors entry.
type DataConnector struct {
	ConnectorID string
	DataTypes   []string
}

// EntityMapping maps query columns to the identifiers of one entity.
type EntityMapping struct {
	EntityType    string
	FieldMappings []FieldMapping
}

// FieldMapping maps one query column to one entity identifier.
type FieldMapping struct {
	Identifier string
	ColumnName string
}

// SentinelEntityMapping names a column holding Sentinel entities.
type SentinelEntityMapping struct {
	ColumnName string
}

// CustomDetail surfaces a query column in the alert under Key.
type CustomDetail struct {
	Key    string
	Column string
}

// AlertDetailsOverride takes alert properties from query columns.
type AlertDetailsOverride struct {
	DisplayNameFormat  string
	DescriptionFormat  string
	SeverityColumnName string
	TacticsColumnName  string
	DynamicProperties  []DynamicProperty
}

// DynamicProperty sets alert property AlertProperty from column Value.
type DynamicProperty struct {
	AlertProperty string
	Value         string
}

// EventGroupingSettings says whether results make one alert or one each.
type EventGroupingSettings struct {
	AggregationKind string
}

// IncidentConfiguration says whether and how alerts become incidents.
type IncidentConfiguration struct {
	CreateIncident bool
	Grouping       *GroupingConfiguration
}

// GroupingConfiguration groups alerts into incidents.
type GroupingConfiguration struct {
	Enabled              bool
	ReopenClosedIncident bool
	LookbackDuration     time.Duration
	MatchingMethod       string
	GroupByEntities      []string
	GroupByAlertDetails  []string
	GroupByCustomDetails []string
}

// FieldPos returns where the value at path is written in File. Paths use
// the YAML field names whatever the format ("queryFrequency",
// "entityMappings[0].fieldMappings[1].columnName",
// "customDetails.AWSUser", "incidentConfiguration.groupingConfiguration.
// matchingMethod"); an ARM rule records its properties under those names.
// When the path itself was not written, FieldPos falls back to its nearest
// written ancestor and finally to the start of the rule, so a finding about
// a missing field still points somewhere useful.
func (r *Rule) FieldPos(path string) convert.Pos {
	for p := path; p != ""; p = parentPath(p) {
		if pos, ok := r.pos[p]; ok {
			return pos
		}
	}
	return r.start
}

// KeyPos returns where the key of the mapping entry at path is written
// (the "AWSUser" of "customDetails.AWSUser"), with FieldPos's fallbacks.
func (r *Rule) KeyPos(path string) convert.Pos {
	if pos, ok := r.keyPos[path]; ok {
		return pos
	}
	return r.FieldPos(path)
}

// Has reports whether the file wrote a value at path. Rules built in code
// rather than loaded have no positions, so Has is false for every path.
func (r *Rule) Has(path string) bool {
	_, ok := r.pos[path]
	return ok
}

// Start returns where the rule begins: the YAML document or the ARM
// resource object.
func (r *Rule) Start() convert.Pos { return r.start }

// Paths lists the field paths the file wrote, sorted; tests use it to
// check that every field was read.
func (r *Rule) Paths() []string {
	out := make([]string, 0, len(r.pos))
	for p := range r.pos {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// parentPath drops the last element of a field path: "a.b[2].c" -> "a.b[2]"
// -> "a.b" -> "a" -> "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// Errorf returns an error diagnostic at the value of path in the rule.
func (r *Rule) Errorf(path, format string, args ...any) *convert.Diagnostic {
	return convert.Errorf(r.File, r.FieldPos(path), format, args...)
}

// Warningf returns a warning diagnostic at the value of path in the rule.
func (r *Rule) Warningf(path, format string, args ...any) *convert.Diagnostic {
	return convert.Warningf(r.File, r.FieldPos(path), format, args...)
}

// ParentTechniques returns the techniques without sub-technique suffixes
// ("T1078.004" -> "T1078"), deduplicated in first-appearance order: the
// ARM techniques property and the azurerm techniques argument.
func (r *Rule) ParentTechniques() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range r.Techniques {
		p, _, _ := strings.Cut(t, ".")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// SubTechniques returns the techniques that name a sub-technique, in
// order, deduplicated: the ARM subTechniques property.
func (r *Rule) SubTechniques() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range r.Techniques {
		if strings.Contains(t, ".") && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// IsEnabled returns Enabled, defaulting to true.
func (r *Rule) IsEnabled() bool { return r.Enabled == nil || *r.Enabled }

// IsSuppressionEnabled returns SuppressionEnabled, defaulting to false.
func (r *Rule) IsSuppressionEnabled() bool {
	return r.SuppressionEnabled != nil && *r.SuppressionEnabled
}

// DefaultSuppressionDuration is written when a rule states none: the value
// of the seed ARM, which Microsoft's tooling produced from a YAML rule
// without one.
const DefaultSuppressionDuration = time.Hour

// Suppression returns SuppressionDuration, defaulting to one hour.
func (r *Rule) Suppression() time.Duration {
	if r.SuppressionDuration == 0 {
		return DefaultSuppressionDuration
	}
	return r.SuppressionDuration
}
