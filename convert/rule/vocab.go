package rule

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
