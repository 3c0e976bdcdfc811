WITH
-- AWSCloudTrail
awscloudtrail AS (
  SELECT CASE WHEN regexp_like(eventtime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})| [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)$') THEN try(from_iso8601_timestamp(replace(eventtime, ' ', 'T'))) END AS "TimeGenerated",
         COALESCE(eventname, '') AS "EventName",
         COALESCE(useridentity.principalid, '') AS "UserIdentityPrincipalid",
         COALESCE(useridentity.arn, '') AS "UserIdentityArn",
         COALESCE(useridentity.username, '') AS "UserIdentityUserName",
         COALESCE(sourceipaddress, '') AS "SourceIpAddress",
         COALESCE(useragent, '') AS "UserAgent",
         COALESCE(errormessage, '') AS "ErrorMessage",
         COALESCE(responseelements, '') AS "ResponseElements",
         resources AS "Resources",
         COALESCE(recipientaccountid, '') AS "RecipientAccountId"
  FROM cloudtrail_logs
  WHERE "timestamp" BETWEEN date_format(current_timestamp - INTERVAL '1' DAY, '%Y/%m/%d') AND date_format(current_timestamp + INTERVAL '1' DAY, '%Y/%m/%d')
    AND CASE WHEN regexp_like(eventtime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})| [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)$') THEN try(from_iso8601_timestamp(replace(eventtime, ' ', 'T'))) END >= current_timestamp - INTERVAL '1' DAY
    AND CASE WHEN regexp_like(eventtime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})| [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)$') THEN try(from_iso8601_timestamp(replace(eventtime, ' ', 'T'))) END < current_timestamp
),
-- | where EventName =~ "RunInstances"
where_1_eventname AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "ErrorMessage", "ResponseElements", "Resources",
         "RecipientAccountId"
  FROM awscloudtrail
  WHERE translate("EventName", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = 'runinstances'
),
-- | where isempty(ErrorMessage)
where_2_errormessage AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "ResponseElements", "Resources", "RecipientAccountId"
  FROM where_1_eventname
  WHERE COALESCE("ErrorMessage", '') = ''
),
-- | extend EventSourceSplit = split(EventSource, ".")
-- not computed, never reaches the output: EventSourceSplit
extend_3_eventsourcesplit AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "ResponseElements", "Resources", "RecipientAccountId"
  FROM where_2_errormessage
),
-- | extend Type = tostring(EventSourceSplit[0])
-- not computed, never reaches the output: Type
extend_4_type AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "ResponseElements", "Resources", "RecipientAccountId"
  FROM extend_3_eventsourcesplit
),
-- | extend instance = tostring(parse_json(RequestParameters).instanceType),platform = tostring(parse_json(ResponseElements).instancesSet.items[0].platform)
-- not computed, never reaches the output: instance, platform
extend_5_instance AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "ResponseElements", "Resources", "RecipientAccountId"
  FROM extend_4_type
),
-- | extend OSplatform = iff(isempty(platform), tostring("Linux"), platform),CPU = tostring(parse_json(ResponseElements).instancesSet.items[0].cpuOptions),core = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.coreCount),corThread = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.threadsPerCore),InstanceId = tostring(parse_json(ResponseElements).instancesSet.items[0].instanceId)
-- not computed, never reaches the output: OSplatform, CPU, InstanceId
extend_6_core AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "Resources", "RecipientAccountId",
         CASE json_format(json_extract(try(json_parse("ResponseElements")), '$.instancesSet.items[0].cpuOptions.coreCount')) WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE TRY_CAST(truncate(TRY_CAST(regexp_extract(json_extract_scalar(try(json_parse("ResponseElements")), '$.instancesSet.items[0].cpuOptions.coreCount'), '^[\t-\r ]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[\t-\r ]*$') AS double)) AS integer) END AS "core",
         CASE json_format(json_extract(try(json_parse("ResponseElements")), '$.instancesSet.items[0].cpuOptions.threadsPerCore')) WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE TRY_CAST(truncate(TRY_CAST(regexp_extract(json_extract_scalar(try(json_parse("ResponseElements")), '$.instancesSet.items[0].cpuOptions.threadsPerCore'), '^[\t-\r ]*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[\t-\r ]*$') AS double)) AS integer) END AS "corThread"
  FROM extend_5_instance
),
-- | where isnotempty(core)
where_7_core AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "Resources", "RecipientAccountId", "core", "corThread"
  FROM extend_6_core
  WHERE "core" IS NOT NULL
),
-- | extend totalCorecompute = core * corThread
extend_8_totalcorecompute AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "Resources", "RecipientAccountId",
         (CAST("core" AS bigint) * "corThread") AS "totalCorecompute"
  FROM where_7_core
),
-- | extend UserIdentityArn = iif(isempty(UserIdentityArn), tostring(parse_json(Resources)[0].ARN), UserIdentityArn)
extend_9_useridentityarn AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid",
         CASE WHEN COALESCE("UserIdentityArn", '') = '' THEN COALESCE(element_at("Resources", 1).arn, '') ELSE "UserIdentityArn" END AS "UserIdentityArn",
         "UserIdentityUserName", "SourceIpAddress", "UserAgent", "RecipientAccountId",
         "totalCorecompute"
  FROM extend_8_totalcorecompute
),
-- | extend UserName = tostring(split(UserIdentityArn, '/')[-1])
extend_10_username AS (
  SELECT "TimeGenerated", "UserIdentityPrincipalid", "UserIdentityArn", "UserIdentityUserName",
         "SourceIpAddress", "UserAgent", "RecipientAccountId", "totalCorecompute",
         COALESCE(element_at(split("UserIdentityArn", '/'), -1), '') AS "UserName"
  FROM extend_9_useridentityarn
),
-- | extend AccountName = case( UserIdentityPrincipalid == "Anonymous", "Anonymous", isempty(UserIdentityUserName), UserName, UserIdentityUserName)
extend_11_accountname AS (
  SELECT "TimeGenerated", "UserIdentityArn", "SourceIpAddress", "UserAgent", "RecipientAccountId",
         "totalCorecompute",
         CASE WHEN "UserIdentityPrincipalid" = 'Anonymous' THEN 'Anonymous' WHEN COALESCE("UserIdentityUserName", '') = '' THEN "UserName" ELSE "UserIdentityUserName" END AS "AccountName"
  FROM extend_10_username
),
-- | extend AccountName = iif(AccountName contains "@", tostring(split(AccountName, '@', 0)[0]), AccountName),
--     AccountUPNSuffix = iif(AccountName contains "@", tostring(split(AccountName, '@', 1)[0]), "")
extend_12_accountname AS (
  SELECT "TimeGenerated", "UserIdentityArn", "SourceIpAddress", "UserAgent", "RecipientAccountId",
         "totalCorecompute",
         CASE WHEN strpos("AccountName", '@') > 0 THEN COALESCE(split_part("AccountName", '@', 1), '') ELSE "AccountName" END AS "AccountName",
         CASE WHEN strpos("AccountName", '@') > 0 THEN COALESCE(split_part("AccountName", '@', 2), '') ELSE '' END AS "AccountUPNSuffix"
  FROM extend_11_accountname
),
-- | summarize Start= min(TimeGenerated),
--     end=   max(TimeGenerated),
--     totalgpu= sum(totalCorecompute)
--     by SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent
summarize_13 AS (
  SELECT "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
         "UserIdentityArn", "UserAgent",
         min("TimeGenerated") AS "Start",
         max("TimeGenerated") AS "end",
         sum("totalCorecompute") AS "totalgpu"
  FROM extend_12_accountname
  GROUP BY "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix", "UserIdentityArn", "UserAgent"
),
-- | where totalgpu > 800
where_14_totalgpu AS (
  SELECT "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
         "UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"
  FROM summarize_13
  WHERE "totalgpu" > 800
),
-- | where datetime_diff('hour', end, Start) < 8
where_15_end AS (
  SELECT "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
         "UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"
  FROM where_14_totalgpu
  WHERE date_diff('hour', date_trunc('hour', "Start"), date_trunc('hour', "end")) < 8
)
SELECT "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix", "UserIdentityArn", "UserAgent", "Start", "end", "totalgpu"
FROM where_15_end
