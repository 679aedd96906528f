# The bundled host (bin/pwsh): Microsoft's pwsh 7.6 console host with OmsSync on its module path.
BeforeAll {
    $pwsh = (Resolve-Path (Join-Path $PSScriptRoot '../../bin/pwsh')).Path
    $folder = Join-Path ([IO.Path]::GetTempPath()) ("omssync-host-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $folder
    function Invoke-Host([string[]] $Arguments) {
        $output = & $pwsh @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
            Errors = ($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }) -join "`n" }
    }
}
AfterAll { Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue }

Describe 'bin/pwsh' {
    It 'is pwsh 7.6.10' {
        (Invoke-Host '-NoProfile', '-Command', '$PSVersionTable.PSVersion.ToString()').Output | Should -Be '7.6.10'
    }
    It 'imports OmsSync by name' {
        $run = Invoke-Host '-NoProfile', '-Command', 'Import-Module OmsSync; (Get-Command -Module OmsSync).Count'
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Be '26'
    }
    It 'formats with the Utility cmdlets (Select-Object, Format-Table, ConvertTo-Json)' {
        $run = Invoke-Host '-NoProfile', '-Command', '[pscustomobject]@{ A = 1; B = ''x'' } | Select-Object B | ConvertTo-Json -Compress'
        $run.Output | Should -Be '{"B":"x"}'
    }
    It 'gives the code of exit in -Command' {
        (Invoke-Host '-NoProfile', '-Command', 'exit 7').ExitCode | Should -Be 7
    }
    It 'gives the code of exit in a -File script, binding its parameters' {
        Set-Content (Join-Path $folder 'args.ps1') "param([string] `$Name, [int] `$Code, [switch] `$Loud)`n""`$Name `$Loud""`nexit `$Code"
        $run = Invoke-Host '-NoProfile', '-File', (Join-Path $folder 'args.ps1'), '-Name', 'joe', '-Code', '3', '-Loud'
        $run.ExitCode | Should -Be 3
        $run.Output | Should -Be 'joe True'
    }
    It 'gives 1 for an uncaught throw, and 0 for a script with only non-terminating errors' {
        Set-Content (Join-Path $folder 'throw.ps1') "'before'`nthrow 'the disk is on fire'`n'after'"
        $thrown = Invoke-Host '-NoProfile', '-File', (Join-Path $folder 'throw.ps1')
        $thrown.ExitCode | Should -Be 1
        $thrown.Output | Should -Be 'before'
        $thrown.Errors | Should -BeLike '*the disk is on fire*'
        Set-Content (Join-Path $folder 'errors.ps1') "Write-Error 'first problem'`n'done'"
        $errors = Invoke-Host '-NoProfile', '-File', (Join-Path $folder 'errors.ps1')
        $errors.ExitCode | Should -Be 0
        $errors.Output | Should -Be 'done'
    }
    It 'sets $LASTEXITCODE from a native command it runs' {
        (Invoke-Host '-NoProfile', '-Command', "& '$pwsh' -NoProfile -Command 'exit 5'; `"code `$LASTEXITCODE`"").Output | Should -Be 'code 5'
    }
    It 'runs an OmsSync error to a non-zero exit under -Command' {
        $run = Invoke-Host '-NoProfile', '-Command', '$env:OMSSYNC_HOME = [IO.Path]::GetTempPath() + [guid]::NewGuid(); Get-OmsTask no-such-task'
        $run.ExitCode | Should -Be 1
        $run.Errors | Should -BeLike '*no-such-task*'
    }
}
