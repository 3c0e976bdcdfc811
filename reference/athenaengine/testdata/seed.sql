-- Suspicious AWS EC2 Compute Resource Deployments (9e457dc4-81f0-4d25-bc37-a5fa4a17946a),
-- translated by hand into Athena (Trino) SQL following shared/SEMANTICS.md §2,
-- "faithful Trino SQL" column, one CTE per KQL step. A reference for
-- convert/athena, run by reference/athenaengine's seed test.
--
-- KQL string columns are never null; Athena's are. Every string read where
-- emptiness or equality matters is wrapped in COALESCE(x, '').
WITH
-- AWSCloudTrail over the rule's queryPeriod (1d) before the run time.
-- The partition filter only prunes: CloudTrail files an event under the day
-- it DELIVERED it, never an earlier day, so the window's first day is a safe
-- lower bound. TRY: a record whose eventTime is not ISO 8601 would otherwise
-- fail the whole query; KQL gives it a null TimeGenerated, outside any window.
awscloudtrail AS (
  SELECT *, TRY(from_iso8601_timestamp(eventtime)) AS timegenerated
  FROM cloudtrail_logs
  WHERE "timestamp" >= date_format(current_timestamp - INTERVAL '1' DAY, '%Y/%m/%d')
),
in_period AS (
  SELECT * FROM awscloudtrail
  WHERE timegenerated >= current_timestamp - INTERVAL '1' DAY
    AND timegenerated < current_timestamp
),
-- | where EventName =~ "RunInstances"
run_instances AS (
  SELECT * FROM in_period WHERE lower(eventname) = 'runinstances'
),
-- | where isempty(ErrorMessage)
no_error AS (
  SELECT * FROM run_instances WHERE COALESCE(errormessage, '') = ''
),
-- | extend EventSourceSplit, Type, instance, platform, OSplatform, CPU, InstanceId:
--   dead columns (never reach the output), dropped.
-- | extend core = toint(parse_json(ResponseElements).instancesSet.items[0].cpuOptions.coreCount),
--          corThread = toint(...threadsPerCore)
-- toint truncates a real (4.7 -> 4) and reads numeric strings ("4.5" -> 4):
-- through double, truncate, then integer. A plain CAST to integer would round
-- (2.56 -> 3) and reject "4.0".
with_cores AS (
  SELECT *,
    TRY_CAST(truncate(TRY_CAST(json_extract_scalar(responseelements,
      '$.instancesSet.items[0].cpuOptions.coreCount') AS double)) AS integer) AS core,
    TRY_CAST(truncate(TRY_CAST(json_extract_scalar(responseelements,
      '$.instancesSet.items[0].cpuOptions.threadsPerCore') AS double)) AS integer) AS corthread
  FROM no_error
),
-- | where isnotempty(core)
has_core AS (
  SELECT * FROM with_cores WHERE core IS NOT NULL
),
-- | extend totalCorecompute = core * corThread   (long; null if either is null)
with_total AS (
  SELECT *, CAST(core AS bigint) * corthread AS totalcorecompute FROM has_core
),
-- | extend UserIdentityArn = iif(isempty(UserIdentityArn), tostring(parse_json(Resources)[0].ARN), UserIdentityArn)
-- element_at, not resources[1]: a subscript past the end fails the query in Trino.
with_arn AS (
  SELECT *,
    CASE WHEN COALESCE(useridentity.arn, '') = ''
      THEN COALESCE(element_at(resources, 1).arn, '')
      ELSE useridentity.arn END AS useridentityarn
  FROM with_total
),
-- | extend UserName = tostring(split(UserIdentityArn, '/')[-1])
with_username AS (
  SELECT *, COALESCE(element_at(split(useridentityarn, '/'), -1), '') AS arnusername FROM with_arn
),
-- | extend AccountName = case(UserIdentityPrincipalid == "Anonymous", "Anonymous",
--                             isempty(UserIdentityUserName), UserName, UserIdentityUserName)
with_account AS (
  SELECT *,
    CASE WHEN COALESCE(useridentity.principalid, '') = 'Anonymous' THEN 'Anonymous'
         WHEN COALESCE(useridentity.username, '') = '' THEN arnusername
         ELSE useridentity.username END AS accountname0
  FROM with_username
),
-- | extend AccountName = iif(AccountName contains "@", tostring(split(AccountName, '@', 0)[0]), AccountName),
--          AccountUPNSuffix = iif(AccountName contains "@", tostring(split(AccountName, '@', 1)[0]), "")
-- Both expressions read the AccountName the step received (accountname0).
with_upn AS (
  SELECT *,
    CASE WHEN strpos(accountname0, '@') > 0 THEN split_part(accountname0, '@', 1)
         ELSE accountname0 END AS accountname,
    CASE WHEN strpos(accountname0, '@') > 0 THEN COALESCE(split_part(accountname0, '@', 2), '')
         ELSE '' END AS accountupnsuffix
  FROM with_account
),
-- | summarize Start = min(TimeGenerated), end = max(TimeGenerated), totalgpu = sum(totalCorecompute)
--     by SourceIpAddress, RecipientAccountId, AccountName, AccountUPNSuffix, UserIdentityArn, UserAgent
summarized AS (
  SELECT
    COALESCE(sourceipaddress, '') AS "SourceIpAddress",
    COALESCE(recipientaccountid, '') AS "RecipientAccountId",
    accountname AS "AccountName",
    accountupnsuffix AS "AccountUPNSuffix",
    useridentityarn AS "UserIdentityArn",
    COALESCE(useragent, '') AS "UserAgent",
    min(timegenerated) AS "Start",
    max(timegenerated) AS "end",
    sum(totalcorecompute) AS totalgpu
  FROM with_upn
  GROUP BY 1, 2, 3, 4, 5, 6
),
-- | where totalgpu > 800
over_threshold AS (
  SELECT * FROM summarized WHERE totalgpu > 800
),
-- | where datetime_diff('hour', end, Start) < 8
-- KQL counts hour boundaries crossed; Trino's date_diff counts whole hours
-- elapsed and takes (start, end): truncate both to the hour first.
short_span AS (
  SELECT * FROM over_threshold
  WHERE date_diff('hour', date_trunc('hour', "Start"), date_trunc('hour', "end")) < 8
)
SELECT "SourceIpAddress", "RecipientAccountId", "AccountName", "AccountUPNSuffix",
       "UserIdentityArn", "UserAgent", "Start", "end", totalgpu
FROM short_span
