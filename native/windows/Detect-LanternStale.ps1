<#
.SYNOPSIS
  Intune / SCCM detection script: exits 1 when this station's Lantern copy is stale, expired or
  missing, or its heartbeat has gone silent; exits 0 when the copy is fresh.

.DESCRIPTION
  Lantern writes a signed heartbeat into its home folder (heartbeat.json) every
  heartbeat.intervalMinutes of the managed policy (docs/FLEET.md). This script finds the home
  (the -HomeDir parameter, else the policy's "home" in HKLM\Software\Policies\Lantern, else in
  %ProgramData%\Lantern\policy.json), reads that file and judges it as `lantern fleet report`
  does, with the same thresholds:
    silent   no heartbeat for more than 2 of its intervals (Lantern is not running, or cannot write)
    expired  no copy at all, or the copy in use is past its expiry
    stale    the copy's data is older than its stale threshold (staleAfterMinutes, default 120)
  It prints one line (what Intune shows as the script's output) and exits 1 for any of these,
  0 otherwise (a station that refused its latest snapshot but still holds a fresh copy is 0,
  with a warning in the line). The heartbeat's signature is not checked here: the home folder
  is writable by administrators only; the fleet report checks every signature.

  Use it as the detection script of an Intune Remediation (Proactive remediation), or as a
  Configuration Manager configuration item's discovery script. Run as SYSTEM, 64-bit.

.PARAMETER HomeDir
  The Lantern home folder, when it is not the policy's.

.PARAMETER PolicyFile
  The managed policy file (default %ProgramData%\Lantern\policy.json).
#>
[CmdletBinding()]
param(
  [string]$HomeDir,
  [string]$PolicyFile = (Join-Path $env:ProgramData 'Lantern\policy.json')
)

# The thresholds Lantern uses (electron/shared/defaults.ts); test/fleet/detect-script.test.ts
# keeps them equal.
$DefaultStaleAfterMinutes = 120
$DefaultIntervalMinutes = 15
$SilentAfterIntervals = 2
$HeartbeatFile = 'heartbeat.json'
$RegistryKey = 'HKLM:\Software\Policies\Lantern'

function Write-Verdict([string]$Text, [int]$Code) {
  Write-Output $Text
  exit $Code
}

function Format-Age([double]$Seconds) {
  $s = [math]::Max(0, [math]::Floor($Seconds))
  if ($s -lt 60) { return "$s s" }
  $m = [math]::Floor($s / 60)
  if ($m -lt 60) { return "$m min" }
  $h = [math]::Floor($m / 60)
  if ($h -lt 48) { return ('{0} h {1:00} min' -f $h, ($m % 60)) }
  return ('{0} d {1:00} h' -f [math]::Floor($h / 24), ($h % 24))
}

# PowerShell 7's ConvertFrom-Json already turns ISO times into DateTime; 5.1 leaves strings.
function ConvertTo-Utc($Value) {
  if ($Value -is [DateTime]) { return $Value.ToUniversalTime() }
  if ($Value -is [DateTimeOffset]) { return $Value.UtcDateTime }
  return [DateTimeOffset]::Parse([string]$Value, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AssumeUniversal).UtcDateTime
}

# The policy: the registry wins over the file, as in the app.
$policy = $null
if (Test-Path -LiteralPath $PolicyFile) {
  try { $policy = Get-Content -LiteralPath $PolicyFile -Raw | ConvertFrom-Json } catch { $policy = $null }
}
$interval = $DefaultIntervalMinutes
if ($policy -and $policy.heartbeat -and $policy.heartbeat.intervalMinutes) { $interval = [int]$policy.heartbeat.intervalMinutes }
if (-not $HomeDir) {
  $fromRegistry = (Get-ItemProperty -Path $RegistryKey -Name 'home' -ErrorAction SilentlyContinue).home
  if ($fromRegistry) { $HomeDir = $fromRegistry }
  elseif ($policy -and $policy.home) { $HomeDir = $policy.home }
}
if (-not $HomeDir) { Write-Verdict 'Lantern EXPIRED: no home folder is configured (policy "home"), so this station holds no copy.' 1 }

$file = Join-Path $HomeDir $HeartbeatFile
if (-not (Test-Path -LiteralPath $file)) {
  Write-Verdict "Lantern SILENT: no heartbeat in $HomeDir (is the policy's heartbeat block set, and is Lantern running?)." 1
}
try {
  $hb = (Get-Content -LiteralPath $file -Raw | ConvertFrom-Json).heartbeat
} catch {
  Write-Verdict "Lantern SILENT: the heartbeat $file cannot be read." 1
}
if (-not $hb -or -not $hb.at) { Write-Verdict "Lantern SILENT: the heartbeat $file is not one Lantern wrote." 1 }

$now = [DateTime]::UtcNow
if ($hb.intervalMinutes) { $interval = [int]$hb.intervalMinutes }
$staleAfter = $DefaultStaleAfterMinutes
if ($hb.staleAfterMinutes) { $staleAfter = [int]$hb.staleAfterMinutes }

$heartbeatAge = ($now - (ConvertTo-Utc $hb.at)).TotalSeconds
if ($heartbeatAge -gt ($SilentAfterIntervals * $interval * 60)) {
  Write-Verdict ("Lantern SILENT: no heartbeat for {0} (one every {1} min expected)." -f (Format-Age $heartbeatAge), $interval) 1
}
$snap = $hb.snapshot
if (-not $snap) { Write-Verdict 'Lantern EXPIRED: no snapshot has been taken yet.' 1 }
$age = ($now - (ConvertTo-Utc $snap.asOf)).TotalSeconds
if ($now -ge (ConvertTo-Utc $snap.expiresAt)) {
  Write-Verdict ("Lantern EXPIRED: the copy in use (sequence {0}) expired; data {1} old." -f $snap.sequence, (Format-Age $age)) 1
}
if ($age -gt ($staleAfter * 60)) {
  Write-Verdict ("Lantern STALE: data {0} old (stale after {1})." -f (Format-Age $age), (Format-Age ($staleAfter * 60))) 1
}
$warning = ''
if ($hb.lastRefusal -and ((ConvertTo-Utc $hb.lastRefusal.at) -gt (ConvertTo-Utc $snap.ingestedAt))) {
  $warning = " Warning: it refused its latest snapshot ($($hb.lastRefusal.code))."
}
Write-Verdict ("Lantern FRESH: sequence {0}, data {1} old.{2}" -f $snap.sequence, (Format-Age $age), $warning) 0
