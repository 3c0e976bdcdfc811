package rule

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/ruleport/ruleport/convert"
)

// Limits of TARGETS.md §1, from azurerm's sentinel_alert_rule_scheduled
// resource and Azure-Sentinel's template CI (.script/tests/
// detectionTemplateSchemaValidation, Models/*.cs).
const (
	minFrequency      = 5 * time.Minute     // queryFrequency, queryPeriod: [PT5M, P14D]
	maxFrequency      = 14 * 24 * time.Hour //
	longPeriod        = 2 * 24 * time.Hour  // a period this long needs a frequency of
	longPeriodMinFreq = time.Hour           // at least an hour
	maxSuppression    = 24 * time.Hour      // suppressionDuration: [PT5M, PT24H]
	maxThreshold      = 10000               // template CI: Range(0, 10000)
	maxQueryChars     = 10000               // template CI: StringLength(10000), UTF-16 units
	maxNameChars      = 256                 // template CI: StringLength(256)
	maxDescChars      = 5000                // template CI: StringLength(5000)
	maxMappings       = 10                  // entity_mapping + sentinel_entity_mapping (azurerm >= 4.19)
	maxMappingsNRT    = 5                   // the same for NRT rules
	maxFieldMappings  = 3                   // field mappings per entity
	maxCustomDetails  = 20                  // customDetails entries
	maxDetailKey      = 20                  // customDetails key length
	maxColumnName     = 500                 // a Log Analytics column name
	maxPlaceholders   = 3                   // {{column}} placeholders per override format
	maxOverrideName   = 256                 // alertDisplayNameFormat length
	maxOverrideDesc   = 5000                // alertDescriptionFormat length
)

var (
	guidExactRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	techniqueRE   = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	versionRE     = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	detailKeyRE   = regexp.MustCompile(`^[a-zA-Z]+\w*$`)
	columnNameRE  = regexp.MustCompile(`^[a-zA-Z_]+\w*$`)
	placeholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
	// buggyOperators are spellings a known converter emits that are not
	// API values (TARGETS.md §1).
	buggyOperators = map[string]string{
		"Equals": "Equal", "ge": "", "le": "", "GreaterThanOrEqual": "", "LessThanOrEqual": "",
	}
)

// Validate checks a rule against every validation rule of TARGETS.md §1:
// required fields, durations and their relations, enums, entity types and
// identifiers, custom detail names and the service's limits. Findings
// point at the offending field. Whether mapped columns are output columns
// of the query is the KQL checker's business, not Validate's.
func Validate(r *Rule) convert.Diagnostics {
	v := &validator{r: r}
	v.basics()
	if r.Kind == KindNRT {
		v.nrt()
	} else {
		v.schedule()
	}
	v.suppression()
	v.classification()
	v.entities()
	v.customDetails()
	v.override()
	v.grouping()
	return v.diags
}

type validator struct {
	r     *Rule
	diags convert.Diagnostics
	errs  int
}

// errorf reports an error, up to maxErrors of them, as Load does.
func (v *validator) errorf(path, format string, args ...any) {
	v.error(v.r.Errorf(path, format, args...))
}

func (v *validator) error(d *convert.Diagnostic) {
	switch v.errs++; {
	case v.errs <= maxErrors:
		v.diags.Add(d)
	case v.errs == maxErrors+1:
		d.Msg = "too many errors; stopping here"
		v.diags.Add(d)
	}
}

func (v *validator) warnf(path, format string, args ...any) {
	v.diags.Add(v.r.Warningf(path, format, args...))
}

// word names a field the way the rule's format spells it: the YAML name,
// or for an ARM rule its property (armPaths read the other way).
func (v *validator) word(yamlName string) string {
	if v.r.Format != FormatARM {
		return yamlName
	}
	switch yamlName {
	case "id":
		return "rule id (the GUID in the resource name)"
	case "name":
		return "displayName"
	case "version":
		return "templateVersion"
	}
	return yamlName
}

// oneOf reports val unless it is in allowed, suggesting the allowed value
// that differs only in letter case.
func (v *validator) oneOf(path, what, val string, allowed []string) bool {
	if slices.Contains(allowed, val) {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(a, val) {
			v.errorf(path, "%s %q is not valid; did you mean %q? (values are case-sensitive)", what, val, a)
			return false
		}
	}
	v.errorf(path, "%s %q is not one of %s", what, val, strings.Join(allowed, ", "))
	return false
}

func (v *validator) basics() {
	r := v.r
	switch {
	case r.ID == "":
		v.errorf("id", "missing %s", v.word("id"))
	case !guidExactRE.MatchString(r.ID):
		v.errorf("id", "%s %q is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", v.word("id"), r.ID)
	}
	switch n := utf16Len(r.Name); {
	case r.Name == "":
		v.errorf("name", "missing %s", v.word("name"))
	case n > maxNameChars:
		v.errorf("name", "%s is %d characters long; the limit is %d", v.word("name"), n, maxNameChars)
	}
	switch n := utf16Len(r.Description); {
	case r.Description == "" && r.Has("description"):
		v.errorf("description", "description is empty; azurerm refuses an empty description, so leave it out or write one")
	case r.Description == "" && r.Format == FormatYAML:
		v.warnf("", "missing description; the Azure-Sentinel template CI requires one")
	case n > maxDescChars:
		v.errorf("description", "description is %d characters long; the limit is %d", n, maxDescChars)
	}
	if r.Severity == "" {
		v.errorf("severity", "missing severity")
	} else {
		v.oneOf("severity", "severity", r.Severity, Severities)
	}
	if r.Kind == "" {
		v.errorf("kind", "missing kind (Scheduled or NRT)")
	} else {
		v.oneOf("kind", "kind", r.Kind, []string{KindScheduled, KindNRT})
	}
	switch n := utf16Len(r.Query); {
	case strings.TrimSpace(r.Query) == "":
		v.errorf("query", "missing query")
	case n > maxQueryChars:
		v.errorf("query", "query is %d characters long; the limit is %d", n, maxQueryChars)
	}
	if r.Version != "" && !versionRE.MatchString(r.Version) {
		v.errorf("version", "%s %q is not of the form X.Y.Z (all numbers), as templateVersion must be", v.word("version"), r.Version)
	}
}

// utf16Len counts characters the way the .NET validators do.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func (v *validator) schedule() {
	r := v.r
	freqOK := v.durationIn("queryFrequency", r.QueryFrequency, minFrequency, maxFrequency)
	periodOK := v.durationIn("queryPeriod", r.QueryPeriod, minFrequency, maxFrequency)
	if freqOK && periodOK {
		if r.QueryFrequency > r.QueryPeriod {
			v.errorf("queryFrequency", "queryFrequency %s is longer than queryPeriod %s, which leaves gaps no run looks at", FormatYAMLDuration(r.QueryFrequency), FormatYAMLDuration(r.QueryPeriod))
		}
		if r.QueryPeriod >= longPeriod && r.QueryFrequency < longPeriodMinFreq {
			v.errorf("queryFrequency", "queryFrequency %s is under an hour while queryPeriod %s is 2 days or more; Sentinel requires a frequency of at least 1h then", FormatYAMLDuration(r.QueryFrequency), FormatYAMLDuration(r.QueryPeriod))
		}
	}
	switch op := r.TriggerOperator; {
	case op == "":
		v.errorf("triggerOperator", "missing triggerOperator (gt, lt, eq or ne)")
	case slices.Contains(TriggerOperators, op):
	default:
		if fix, buggy := buggyOperators[op]; buggy {
			hint := "there is no greater-or-equal operator; use gt with a threshold one lower"
			if fix != "" {
				hint = fmt.Sprintf("the API value is %q", fix)
			}
			v.errorf("triggerOperator", "triggerOperator %q is not an API value (a known converter bug writes it): %s", op, hint)
		} else {
			v.errorf("triggerOperator", "triggerOperator %q is not one of gt, lt, eq, ne (GreaterThan, LessThan, Equal, NotEqual)", op)
		}
	}
	switch {
	case r.TriggerThreshold < 0:
		v.errorf("triggerThreshold", "triggerThreshold %d is negative", r.TriggerThreshold)
	case r.TriggerThreshold > maxThreshold:
		v.warnf("triggerThreshold", "triggerThreshold %d is over %d, the Azure-Sentinel template CI limit", r.TriggerThreshold, maxThreshold)
	case r.Format == FormatYAML && !r.Has("triggerThreshold") && r.pos != nil:
		v.warnf("", "missing triggerThreshold; 0 is assumed")
	}
}

// durationIn checks a required duration against its range.
func (v *validator) durationIn(path string, d, lo, hi time.Duration) bool {
	switch {
	case d == 0:
		v.errorf(path, "missing %s: a Scheduled rule needs one", path)
	case d < lo || d > hi:
		v.errorf(path, "%s %s is outside [%s, %s]", path, FormatYAMLDuration(d), FormatYAMLDuration(lo), FormatYAMLDuration(hi))
	default:
		return true
	}
	return false
}

func (v *validator) nrt() {
	for _, p := range []string{"queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"} {
		if v.r.Has(p) {
			v.warnf(p, "NRT rules have no %s; it is ignored", p)
		}
	}
}

func (v *validator) suppression() {
	r := v.r
	d := r.SuppressionDuration
	if d != 0 && (d < minFrequency || d > maxSuppression) {
		v.errorf("suppressionDuration", "suppressionDuration %s is outside [5m, 24h]", FormatYAMLDuration(d))
	}
	if r.IsSuppressionEnabled() && r.Kind == KindScheduled && r.QueryFrequency > r.Suppression() {
		v.errorf("suppressionDuration", "suppression of %s is shorter than queryFrequency %s, so it never suppresses anything", FormatYAMLDuration(r.Suppression()), FormatYAMLDuration(r.QueryFrequency))
	}
}

func (v *validator) classification() {
	for i, t := range v.r.Tactics {
		v.oneOf(fmt.Sprintf("tactics[%d]", i), "tactic", t, Tactics)
	}
	for i, t := range v.r.Techniques {
		if !techniqueRE.MatchString(t) {
			v.errorf(fmt.Sprintf("relevantTechniques[%d]", i), "technique %q is not a MITRE ATT&CK id such as T1078 or T1078.004", t)
		}
	}
}

func (v *validator) entities() {
	r := v.r
	limit := maxMappings
	if r.Kind == KindNRT {
		limit = maxMappingsNRT
	}
	if n := len(r.EntityMappings) + len(r.SentinelEntitiesMappings); n > limit {
		v.errorf("entityMappings", "%d entity mappings (entityMappings and sentinelEntitiesMappings together); a %s rule may have at most %d", n, cmpKind(r.Kind), limit)
	}
	for i, em := range r.EntityMappings {
		v.entityMapping(fmt.Sprintf("entityMappings[%d]", i), em)
	}
	for i, m := range r.SentinelEntitiesMappings {
		v.column(fmt.Sprintf("sentinelEntitiesMappings[%d].columnName", i), m.ColumnName)
	}
}

func cmpKind(k string) string {
	if k == "" {
		return KindScheduled
	}
	return k
}

func (v *validator) entityMapping(p string, em EntityMapping) {
	ids, known := EntityIdentifiers[em.EntityType]
	if !known {
		v.oneOf(p+".entityType", "entity type", em.EntityType, EntityTypes())
	}
	if n := len(em.FieldMappings); n == 0 || n > maxFieldMappings {
		v.errorf(p+".fieldMappings", "%s entity has %d field mappings; it needs 1 to %d", em.EntityType, n, maxFieldMappings)
	}
	used := map[string]bool{}
	for j, fm := range em.FieldMappings {
		fp := fmt.Sprintf("%s.fieldMappings[%d]", p, j)
		switch {
		case !known:
		case !slices.Contains(ids, fm.Identifier):
			v.errorf(fp+".identifier", "%q is not an identifier of the %s entity (%s)", fm.Identifier, em.EntityType, strings.Join(ids, ", "))
		case used[fm.Identifier]:
			v.errorf(fp+".identifier", "identifier %q is mapped twice in one entity", fm.Identifier)
		}
		used[fm.Identifier] = true
		v.column(fp+".columnName", fm.ColumnName)
	}
	if known && len(em.FieldMappings) > 0 && !hasRequired(em.EntityType, used) {
		var combos []string
		for _, c := range requiredIdentifiers[em.EntityType] {
			combos = append(combos, strings.Join(c, "+"))
		}
		v.errorf(p, "%s entity maps none of the identifiers that identify it; map one of: %s", em.EntityType, strings.Join(combos, ", "))
	}
}

func hasRequired(entityType string, used map[string]bool) bool {
	for _, combo := range requiredIdentifiers[entityType] {
		all := true
		for _, id := range combo {
			all = all && used[id]
		}
		if all {
			return true
		}
	}
	return false
}

// column checks a name that must be a Log Analytics column name.
func (v *validator) column(path, name string) {
	switch {
	case len(name) > maxColumnName:
		v.errorf(path, "column name is %d characters long; the limit is %d", len(name), maxColumnName)
	case !columnNameRE.MatchString(name):
		v.errorf(path, "column name %q must start with a letter or underscore and hold only letters, digits and underscores", name)
	}
}

func (v *validator) customDetails() {
	r := v.r
	if n := len(r.CustomDetails); n > maxCustomDetails {
		v.errorf("customDetails", "%d custom details; the limit is %d", n, maxCustomDetails)
	}
	for _, c := range r.CustomDetails {
		p := "customDetails." + c.Key
		if len(c.Key) > maxDetailKey || !detailKeyRE.MatchString(c.Key) {
			v.error(convert.Errorf(r.File, r.KeyPos(p), "custom detail name %q must start with a letter, hold only letters, digits and underscores, and be at most %d characters", c.Key, maxDetailKey))
		}
		v.column(p, c.Column)
	}
}

func (v *validator) override() {
	o := v.r.AlertDetailsOverride
	if o == nil {
		return
	}
	const p = "alertDetailsOverride"
	v.format(p+".alertDisplayNameFormat", o.DisplayNameFormat, maxOverrideName)
	v.format(p+".alertDescriptionFormat", o.DescriptionFormat, maxOverrideDesc)
	for i, dp := range o.DynamicProperties {
		dpp := fmt.Sprintf("%s.alertDynamicProperties[%d]", p, i)
		v.oneOf(dpp+".alertProperty", "alert property", dp.AlertProperty, AlertProperties)
		if dp.Value == "" {
			v.errorf(dpp+".value", "dynamic property %s has an empty value", dp.AlertProperty)
		}
	}
}

// format checks an alert override format string: present means non-empty,
// within its length, and at most three {{column}} placeholders.
func (v *validator) format(path, s string, maxLen int) {
	switch n := utf16Len(s); {
	case s == "" && v.r.Has(path):
		v.errorf(path, "%s is empty", path[strings.LastIndex(path, ".")+1:])
	case n > maxLen:
		v.errorf(path, "format is %d characters long; the limit is %d", n, maxLen)
	}
	if n := len(placeholderRE.FindAllString(s, -1)); n > maxPlaceholders {
		v.errorf(path, "format has %d {{column}} placeholders; the limit is %d", n, maxPlaceholders)
	}
}

func (v *validator) grouping() {
	r := v.r
	if g := r.EventGroupingSettings; g != nil {
		v.oneOf("eventGroupingSettings.aggregationKind", "aggregationKind", g.AggregationKind, AggregationKinds)
	}
	if r.IncidentConfiguration == nil || r.IncidentConfiguration.Grouping == nil {
		return
	}
	g := r.IncidentConfiguration.Grouping
	const p = "incidentConfiguration.groupingConfiguration"
	v.oneOf(p+".matchingMethod", "matchingMethod", g.MatchingMethod, MatchingMethods)
	for i, e := range g.GroupByEntities {
		v.oneOf(fmt.Sprintf("%s.groupByEntities[%d]", p, i), "entity type", e, EntityTypes())
	}
	for i, d := range g.GroupByAlertDetails {
		v.oneOf(fmt.Sprintf("%s.groupByAlertDetails[%d]", p, i), "alert detail", d, AlertDetails)
	}
	for i, c := range g.GroupByCustomDetails {
		if !slices.ContainsFunc(r.CustomDetails, func(d CustomDetail) bool { return d.Key == c }) {
			v.errorf(fmt.Sprintf("%s.groupByCustomDetails[%d]", p, i), "groupByCustomDetails names %q, which is not a custom detail of this rule", c)
		}
	}
	grouped := len(g.GroupByEntities)+len(g.GroupByAlertDetails)+len(g.GroupByCustomDetails) > 0
	switch {
	case g.MatchingMethod == "Selected" && !grouped:
		v.errorf(p+".matchingMethod", "matchingMethod Selected needs at least one of groupByEntities, groupByAlertDetails, groupByCustomDetails")
	case g.MatchingMethod != "Selected" && grouped:
		v.warnf(p+".matchingMethod", "groupBy lists are used only when matchingMethod is Selected; with %s they are ignored", g.MatchingMethod)
	}
}

// The closed vocabularies of an alert rule. Sources:
//   - TARGETS.md §1, which reads them from azurerm's
//     sentinel_alert_rule_scheduled_resource.go and Azure-Sentinel's
//     .script/tests/detectionTemplateSchemaValidation;
//   - the Microsoft.SecurityInsights alertRules schema, api-version
//     2024-01-01-preview (Azure/bicep-types-az,
//     generated/securityinsights/.../2024-01-01-preview/types.md), for the
//     values TARGETS.md does not list (alert properties, matching methods).

// Severities are the AlertSeverity values.
var Severities = []string{"High", "Medium", "Low", "Informational"}

// Tactics are the AttackTactic values.
var Tactics = []string{
	"Collection", "CommandAndControl", "CredentialAccess", "DefenseEvasion", "Discovery",
	"Execution", "Exfiltration", "Impact", "ImpairProcessControl", "InhibitResponseFunction",
	"InitialAccess", "LateralMovement", "Persistence", "PreAttack", "PrivilegeEscalation",
	"Reconnaissance", "ResourceDevelopment",
}

// TriggerOperators are the API's trigger operators.
var TriggerOperators = []string{"GreaterThan", "LessThan", "Equal", "NotEqual"}

// AggregationKinds are the EventGroupingAggregationKind values.
var AggregationKinds = []string{"SingleAlert", "AlertPerResult"}

// MatchingMethods are the incident grouping matching methods.
var MatchingMethods = []string{"AllEntities", "AnyAlert", "Selected"}

// AlertDetails are the values of groupByAlertDetails.
var AlertDetails = []string{"DisplayName", "Severity"}

// AlertProperties are the AlertProperty values of alertDynamicProperties.
// azurerm's dynamic_property accepts all but SubTechniques, which the
// Terraform schema check reports.
var AlertProperties = []string{
	"AlertLink", "ConfidenceLevel", "ConfidenceScore", "ExtendedLinks", "ProductComponentName",
	"ProductName", "ProviderName", "RemediationSteps", "SubTechniques", "Techniques",
}

// EntityIdentifiers lists the entity types of entity mappings and the
// identifiers each accepts: TARGETS.md §1's table; for the three mail
// types it leaves out, Azure-Sentinel's Models/EntityMappingIdentifiers.cs;
// and Account's CloudAppAccountId, which the seed maps. CloudAppAccountId is a field of
// the Account entity in Microsoft's entity reference
// (learn.microsoft.com/azure/sentinel/entities-reference, "Account":
// "CloudAppAccountId | String | The AccountID in alerts from the CloudApp
// provider") and newer versions of Azure-Sentinel's
// Models/EntityMappingIdentifiers.cs list it among Account's identifiers.
var EntityIdentifiers = map[string][]string{
	"Account": {"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId",
		"AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid", "CloudAppAccountId"},
	"AzureResource":    {"ResourceId"},
	"CloudApplication": {"AppId", "Name", "InstanceName"},
	"DNS":              {"DomainName"},
	"File":             {"Directory", "Name"},
	"FileHash":         {"Algorithm", "Value"},
	"Host": {"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID",
		"OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"},
	"IP":             {"Address"},
	"MailCluster":    {"NetworkMessageIds", "CountByDeliveryStatus", "CountByThreatType", "CountByProtectionStatus", "Threats", "Query", "QueryTime", "MailCount", "IsVolumeAnomaly", "Source", "ClusterSourceIdentifier", "ClusterSourceType", "ClusterQueryStartTime", "ClusterQueryEndTime", "ClusterGroup"},
	"MailMessage":    {"Recipient", "Urls", "Threats", "Sender", "P1Sender", "P1SenderDisplayName", "P1SenderDomain", "SenderIP", "P2Sender", "P2SenderDisplayName", "P2SenderDomain", "ReceivedDate", "NetworkMessageId", "InternetMessageId", "Subject", "BodyFingerprintBin1", "BodyFingerprintBin2", "BodyFingerprintBin3", "BodyFingerprintBin4", "BodyFingerprintBin5", "AntispamDirection", "DeliveryAction", "DeliveryLocation", "Language", "ThreatDetectionMethods"},
	"Mailbox":        {"MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"},
	"Malware":        {"Name", "Category"},
	"Process":        {"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"},
	"RegistryKey":    {"Hive", "Key"},
	"RegistryValue":  {"Name", "Value", "ValueType"},
	"SecurityGroup":  {"DistinguishedName", "SID", "ObjectGuid"},
	"SubmissionMail": {"NetworkMessageId", "Timestamp", "Recipient", "Sender", "SenderIp", "Subject", "ReportType", "SubmissionId", "SubmissionDate", "Submitter"},
	"URL":            {"Url"},
}

// EntityTypes returns the entity types of EntityIdentifiers in the order
// TARGETS.md lists them.
func EntityTypes() []string {
	return []string{"Account", "AzureResource", "CloudApplication", "DNS", "File", "FileHash",
		"Host", "IP", "MailCluster", "MailMessage", "Mailbox", "Malware", "Process",
		"RegistryKey", "RegistryValue", "SecurityGroup", "SubmissionMail", "URL"}
}

// requiredIdentifiers are the identifier combinations one of which an
// entity mapping must use, from Azure-Sentinel's
// Models/EntityMappingIdentifiers.cs (RequiredIdentifiers): without one,
// Sentinel cannot identify the entity.
var requiredIdentifiers = map[string][][]string{
	"Account":          {{"FullName"}, {"Sid"}, {"Name"}, {"AadUserId"}, {"PUID"}, {"ObjectGuid"}},
	"AzureResource":    {{"ResourceId"}},
	"CloudApplication": {{"AppId"}, {"Name"}},
	"DNS":              {{"DomainName"}},
	"File":             {{"Name"}},
	"FileHash":         {{"Algorithm", "Value"}},
	"Host":             {{"FullName"}, {"HostName"}, {"NetBiosName"}, {"AzureID"}, {"OMSAgentID"}},
	"IP":               {{"Address"}},
	"Mailbox":          {{"MailboxPrimaryAddress"}},
	"MailCluster":      {{"Query"}, {"Source"}},
	"MailMessage":      {{"NetworkMessageId"}, {"Recipient"}},
	"Malware":          {{"Name"}},
	"Process":          {{"CommandLine"}, {"ProcessId"}},
	"RegistryKey":      {{"Key"}, {"Hive"}},
	"RegistryValue":    {{"Name"}},
	"SecurityGroup":    {{"DistinguishedName"}, {"SID"}, {"ObjectGuid"}},
	"SubmissionMail":   {{"SubmissionId"}, {"NetworkMessageId"}, {"Recipient"}, {"Submitter"}},
	"URL":              {{"Url"}},
}
