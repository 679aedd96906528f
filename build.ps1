#!/usr/bin/env pwsh
# OmsSync build entry point for PowerShell users; the same subcommands as build.sh:
#   ./build.ps1 [build] | test | demo | bench NAME | shell ARGS... | clean
# The test, demo and bench subcommands start throwaway database servers with scripts/servers.sh,
# which needs bash: on Windows run them from WSL or Git Bash.
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'bench', 'shell', 'clean')]
    [string] $Command = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments)]
    [string[]] $Arguments = @()
)
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', 'OmsSync.sln', '-c', $configuration, '-nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    # The module's folder as pwsh expects it under a PSModulePath entry: bin/modules/OmsSync/OmsSync.psd1.
    Invoke-Native dotnet @('publish', 'src/OmsSync.PowerShell', '-c', $configuration, '-o', 'bin/modules/OmsSync', '--no-build', '-nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', 'src/OmsSync.Worker', '-c', $configuration, '-o', 'bin/modules/OmsSync', '--no-build', '-nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', 'src/OmsSync.Shell', '-c', $configuration, '-o', 'bin/shell', '--no-build', '-nologo', '-v', 'quiet')
    Copy-Item src/OmsSync.Shell/pwsh bin/pwsh
    if (-not $IsWindows) { Invoke-Native chmod @('755', 'bin/pwsh') }
}

switch ($Command) {
    'build' { Invoke-Build }
    'clean' { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue bin, src/*/bin, src/*/obj, tests/*/bin, tests/*/obj }
    'shell' {
        if (-not (Test-Path bin/shell/pwsh.dll)) { Invoke-Build }
        # The bundled pwsh, with OmsSync's folder first on PSModulePath (what bin/pwsh does on Linux and macOS).
        $env:PSModulePath = (Join-Path $PSScriptRoot 'bin/modules') + [IO.Path]::PathSeparator + $env:PSModulePath
        & dotnet (@('bin/shell/pwsh.dll') + $Arguments)
        exit $LASTEXITCODE
    }
    default {
        # Servers are started by bash scripts; hand over to build.sh for the same behaviour everywhere.
        Invoke-Native bash (@('./build.sh', $Command) + $Arguments)
    }
}
