<#
.SYNOPSIS
    Runs the Pester suites under tests/pester in this pwsh and prints "Pester: N passed, N failed"; the exit
    code is the number of failed tests (1 when none could run). ./build.sh test calls it after starting the servers.
.EXAMPLE
    bin/pwsh -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -PesterModule tests/pester/bin/Release/net10.0/Pester/Pester.psd1 -Path tests/pester/Get-OmsTask.Tests.ps1
#>
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [string[]] $Path = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter *.Tests.ps1 | ForEach-Object FullName),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../bin/test-results/pester.xml'),
    [string[]] $FullNameFilter
)
$ErrorActionPreference = 'Stop'
# Plain text everywhere, this pwsh and the ones the tests start: escape codes do not belong in the NUnit XML.
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'
Import-Module (Resolve-Path -LiteralPath $PesterModule).Path
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultPath
if ($FullNameFilter) { $configuration.Filter.FullName = $FullNameFilter }
$null = New-Item -ItemType Directory -Force -Path (Split-Path -Parent $ResultPath)
try {
    $result = Invoke-Pester -Configuration $configuration
} catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
}
if (-not $result) {
    'Pester: 0 passed, 1 failed'
    exit 1
}
# Containers that failed to run (a syntax error, a failing BeforeAll outside any test) count as failures too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
"Pester: $($result.PassedCount) passed, $failed failed"
exit ([Math]::Min(255, $(if ($result.PassedCount -eq 0 -and $failed -eq 0) { 1 } else { $failed })))
